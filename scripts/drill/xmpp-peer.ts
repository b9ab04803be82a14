// The other person in the XMPP drill: a stock @xmpp/client that records every message it gets with
// its origin-id, answers receipt requests as a phone does, and comes back after the server restarts
// as Conversations does: it sends its presence and asks its own archive (XEP-0313) for everything
// after the last message it saw. Without that catch-up, a message the server had routed to the peer's
// socket when it was killed would count as lost although the server kept it for the person.
import { client, xml } from '@xmpp/client';
import type { Arrival, ArrivalLog } from './arrivals';
import { OPEN_TIMEOUT_MS } from '../../test/harness/peer';

interface Element {
  attrs: Record<string, string | undefined>;
  name: string;
  is(name: string, ns?: string): boolean;
  getChildText(name: string): string | null;
  getChild(name: string, ns?: string): Element | undefined;
  getChildren(name: string, ns?: string): Element[];
}

export interface XmppDrillPeer {
  stop(): Promise<void>;
}

const NS_MAM = 'urn:xmpp:mam:2';
const NS_SID = 'urn:xmpp:sid:0';
const NS_RSM = 'http://jabber.org/protocol/rsm';

export async function startXmppDrillPeer(options: { service: string; domain: string; jid: string; password: string }, log: ArrivalLog): Promise<XmppDrillPeer> {
  const [username] = options.jid.split('@');
  const bare = options.jid.toLowerCase();
  const xmpp = client({ service: options.service, domain: options.domain, username, password: options.password, resource: 'drill-peer', timeout: OPEN_TIMEOUT_MS });
  xmpp.on('error', () => undefined); // the server restart drops it; the reconnect module brings it back
  // Without stream management, as test/harness/peer.ts explains (@xmpp/client 0.14 miscounts handled
  // stanzas). The peer's own link never goes through the cutting proxy; the archive covers restarts.
  xmpp.prependListener('element', (element: Element & { children: { name?: string; attrs?: { xmlns?: string } }[] }) => {
    if (element.is('features', 'http://etherx.jabber.org/streams')) {
      element.children = element.children.filter((c) => !(c.name === 'sm' && c.attrs?.xmlns === 'urn:xmpp:sm:3'));
    }
  });

  // The archive ids (stanza-id by our own address) seen so far: a message seen live and again in the
  // catch-up is one message. Two copies Switchboard sent are two archive entries, so they still count twice.
  const seenArchiveIds = new Set<string>();
  let lastArchiveId: string | undefined;
  let connections = 0;
  let catchingUp: string | undefined; // the queryid of the catch-up under way

  const record = (message: Element, archiveId: string | undefined, fromArchive = false): void => {
    if (!message.getChildText('body')) return;
    if (archiveId) {
      if (seenArchiveIds.has(archiveId)) return;
      seenArchiveIds.add(archiveId);
      lastArchiveId = archiveId;
    }
    const arrival: Arrival = { body: message.getChildText('body') ?? '', id: message.getChild('origin-id', NS_SID)?.attrs.id, fromArchive };
    log.add(arrival);
  };

  xmpp.on('stanza', (stanza: Element) => {
    if (!stanza.is('message')) return;
    const result = stanza.getChild('result', NS_MAM);
    if (result) {
      if (stanza.attrs.from && stanza.attrs.from.toLowerCase() !== bare) return; // only our own archive speaks for us
      if (result.attrs.queryid !== catchingUp) return;
      const forwarded = result.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
      if (forwarded && (forwarded.attrs.to ?? '').toLowerCase().startsWith(bare)) record(forwarded, result.attrs.id, true);
      return;
    }
    const archiveId = stanza.getChildren('stanza-id', NS_SID).find((s) => s.attrs.by?.toLowerCase() === bare)?.attrs.id;
    record(stanza, archiveId);
    if (stanza.attrs.id && stanza.attrs.from && stanza.getChild('request', 'urn:xmpp:receipts')) {
      void xmpp.send(xml('message', { to: stanza.attrs.from }, xml('received', { xmlns: 'urn:xmpp:receipts', id: stanza.attrs.id }))).catch(() => undefined);
    }
  });

  // Pages through the archive after the last id seen, until the server says the result is complete.
  const catchUp = async (): Promise<void> => {
    for (let page = 0; page < 1000; page++) {
      const queryid = `catch-up-${connections}-${page}`;
      catchingUp = queryid;
      const set = xml('set', { xmlns: NS_RSM }, xml('max', {}, '200'), ...(lastArchiveId ? [xml('after', {}, lastArchiveId)] : []));
      const fin = (await (xmpp as unknown as { iqCaller: { set(el: unknown): Promise<unknown> } }).iqCaller.set(xml('query', { xmlns: NS_MAM, queryid }, set))) as Element;
      if (fin.attrs.complete === 'true' || !fin.getChild('set', NS_RSM)?.getChildText('last')) return;
    }
  };

  // Presence first, then the catch-up: a message routed while the catch-up runs is then delivered
  // live (or from offline storage) rather than kept offline for a session that already asked the archive.
  xmpp.on('online', () => {
    connections++;
    const first = connections === 1;
    void xmpp
      .send(xml('presence'))
      .then(() => (first ? undefined : catchUp()))
      .catch(() => undefined); // a catch-up cut by another restart is done again at the next connection
  });
  await xmpp.start();
  return { stop: () => xmpp.stop().then(() => undefined, () => undefined) };
}

// The other person in the XMPP drill: a stock @xmpp/client that records every message it gets with
// its origin-id, answers receipt requests as a phone does, and comes back (with its presence, so the
// server hands over what it kept offline) after the server restarts.
import { client, xml } from '@xmpp/client';
import type { Arrival, ArrivalLog } from './arrivals';

interface Stanza {
  attrs: Record<string, string | undefined>;
  is(name: string): boolean;
  getChildText(name: string): string | null;
  getChild(name: string, ns?: string): { attrs: Record<string, string | undefined> } | undefined;
}

export interface XmppDrillPeer {
  stop(): Promise<void>;
}

export async function startXmppDrillPeer(options: { service: string; domain: string; jid: string; password: string }, log: ArrivalLog): Promise<XmppDrillPeer> {
  const [username] = options.jid.split('@');
  const xmpp = client({ service: options.service, domain: options.domain, username, password: options.password, resource: 'drill-peer' });
  xmpp.on('error', () => undefined); // the server restart drops it; the reconnect module brings it back
  // Without stream management, as test/harness/peer.ts explains (@xmpp/client 0.14 miscounts handled
  // stanzas). The peer's own link never goes through the cutting proxy, so it loses nothing by it.
  xmpp.prependListener('element', (element: { is(name: string, ns?: string): boolean; children: { name?: string; attrs?: { xmlns?: string } }[] }) => {
    if (element.is('features', 'http://etherx.jabber.org/streams')) {
      element.children = element.children.filter((c) => !(c.name === 'sm' && c.attrs?.xmlns === 'urn:xmpp:sm:3'));
    }
  });
  // Initial presence at every (re)connection: only then does Prosody deliver the messages it stored offline.
  xmpp.on('online', () => void xmpp.send(xml('presence')).catch(() => undefined));
  xmpp.on('stanza', (stanza: Stanza) => {
    if (!stanza.is('message') || !stanza.getChildText('body')) return;
    const arrival: Arrival = { body: stanza.getChildText('body') ?? '', id: stanza.getChild('origin-id', 'urn:xmpp:sid:0')?.attrs.id };
    log.add(arrival);
    if (stanza.attrs.id && stanza.attrs.from && stanza.getChild('request', 'urn:xmpp:receipts')) {
      void xmpp.send(xml('message', { to: stanza.attrs.from }, xml('received', { xmlns: 'urn:xmpp:receipts', id: stanza.attrs.id }))).catch(() => undefined);
    }
  });
  await xmpp.start();
  return { stop: () => xmpp.stop().then(() => undefined, () => undefined) };
}

// A second, real XMPP client (stock @xmpp/client), playing the other person in tests. It accepts
// presence subscriptions, can change its show, send, and wait for messages.
import { client, xml } from '@xmpp/client';
import { EventEmitter, once } from 'node:events';
import { firstMatch } from './wait';

/** xmpp.js gives a stream 2 s to open; Prosody on a loaded 2-core machine can take longer (every stock client of the tests, drill and bench). */
export const OPEN_TIMEOUT_MS = 10_000;

export interface Peer {
  readonly jid: string;
  /** Sets the client's show, with the words a person types beside it ("In a meeting") when given. */
  setShow(show: 'away' | 'dnd' | 'xa' | 'chat' | undefined, status?: string): Promise<void>;
  /**
   * Sends a chat message; with `originId`, one carrying that XEP-0359 origin-id (as a copy of an earlier
   * one does); with `id`, that stanza id; `markable` asks to be told when it is read (XEP-0333).
   */
  say(to: string, body: string, options?: { originId?: string; id?: string; markable?: boolean }): Promise<void>;
  /** Sends a `displayed` chat marker (XEP-0333) for a message id, as a client does when its user reads it. */
  markDisplayed(to: string, id: string): Promise<void>;
  /** Every `displayed` marker received so far: who sent it and the message id it names. */
  readonly displayed: readonly { from: string; id: string }[];
  /** Resolves with the next (or an already received) `displayed` marker that matches. */
  receiveDisplayed(match: (marker: { from: string; id: string }) => boolean, timeoutMs?: number): Promise<{ from: string; id: string }>;
  /** Sends a stanza as written (a hostile one, a carbon forged by someone else). */
  sendRaw(stanza: ReturnType<typeof xml>): Promise<void>;
  /** Resolves with the next (or an already received) message whose body matches. */
  receive(match: (body: string) => boolean, timeoutMs?: number): Promise<{ from: string; body: string; originId?: string }>;
  offline(): Promise<void>;
  /** Adds someone to this account's roster (its contact list on the server). */
  addToRoster(jid: string, name: string): Promise<void>;
  /** Sends a delivery receipt for a message id, as the device does when it has the message. */
  confirm(to: string, messageId: string): Promise<void>;
  /** A round trip to the server (XEP-0199 ping): everything this peer sent before has been routed by then. */
  ping(): Promise<void>;
  /** Whether this peer's device answers receipt requests (XEP-0184), as a real client does when on. */
  receipts: boolean;
  /** Called for every message received (scripted people answer through it). */
  onMessage: ((message: { from: string; body: string }) => void) | undefined;
  /** Every message received so far. */
  readonly received: readonly { from: string; body: string; originId?: string; id?: string }[];
}

interface XmppStanza {
  name: string;
  attrs: Record<string, string | undefined>;
  is(name: string): boolean;
  getChildText(name: string): string | null;
  getChild(name: string, ns?: string): { attrs: Record<string, string | undefined> } | undefined;
}

/** `resource` names the device (default "peer"): a second device of the same person gets another. */
export async function startPeer(options: { service: string; domain: string; jid: string; password: string; resource?: string }): Promise<Peer> {
  const [username] = options.jid.split('@');
  const xmpp = client({ service: options.service, domain: options.domain, username, password: options.password, resource: options.resource ?? 'peer', timeout: OPEN_TIMEOUT_MS });
  const received: { from: string; body: string; originId?: string; id?: string }[] = [];
  const displayed: { from: string; id: string }[] = [];
  const state = { receipts: false };
  const arrivals = new EventEmitter();
  xmpp.on('error', () => undefined);
  // The peer does without stream management: @xmpp/client 0.14 miscounts handled stanzas when it
  // sends right after signing in, and Prosody then closes its session ("client acknowledged more
  // stanzas than sent"). Hiding the feature from it, before its handlers see the features, is enough.
  xmpp.prependListener('element', (element: { is(name: string, ns?: string): boolean; children: { name?: string; attrs?: { xmlns?: string } }[] }) => {
    if (element.is('features', 'http://etherx.jabber.org/streams')) {
      element.children = element.children.filter((c) => !(c.name === 'sm' && c.attrs?.xmlns === 'urn:xmpp:sm:3'));
    }
  });
  xmpp.on('stanza', (stanza: XmppStanza) => {
    if (stanza.is('presence') && stanza.attrs.type === 'subscribe' && stanza.attrs.from) {
      // Approve, and ask back, as a person accepting a contact request does.
      void xmpp.send(xml('presence', { to: stanza.attrs.from, type: 'subscribed' })).catch(() => undefined);
      void xmpp.send(xml('presence', { to: stanza.attrs.from, type: 'subscribe' })).catch(() => undefined);
    } else if (stanza.is('message') && stanza.getChild('displayed', 'urn:xmpp:chat-markers:0')?.attrs.id) {
      displayed.push({ from: stanza.attrs.from ?? '', id: stanza.getChild('displayed', 'urn:xmpp:chat-markers:0')!.attrs.id! });
      arrivals.emit('displayed');
    } else if (stanza.is('message') && stanza.getChildText('body')) {
      const message = {
        from: stanza.attrs.from ?? '',
        body: stanza.getChildText('body') ?? '',
        originId: stanza.getChild('origin-id', 'urn:xmpp:sid:0')?.attrs.id,
        id: stanza.attrs.id,
      };
      received.push(message);
      handle.onMessage?.(message);
      if (state.receipts && stanza.attrs.id && stanza.getChild('request', 'urn:xmpp:receipts')) {
        void xmpp.send(xml('message', { to: message.from }, xml('received', { xmlns: 'urn:xmpp:receipts', id: stanza.attrs.id }))).catch(() => undefined);
      }
      arrivals.emit('message');
    }
  });
  await xmpp.start();
  await xmpp.send(xml('presence'));
  const handle: Peer = {
    onMessage: undefined,
    jid: options.jid,
    received,
    displayed,
    get receipts() {
      return state.receipts;
    },
    set receipts(on: boolean) {
      state.receipts = on;
    },
    async setShow(show, status) {
      await xmpp.send(xml('presence', {}, ...(show ? [xml('show', {}, show)] : []), ...(status ? [xml('status', {}, status)] : [])));
    },
    async sendRaw(stanza) {
      await xmpp.send(stanza);
    },
    async say(to, body, options = {}) {
      const originId = options.originId && xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: options.originId });
      const markable = options.markable && xml('markable', { xmlns: 'urn:xmpp:chat-markers:0' });
      await xmpp.send(xml('message', { to, type: 'chat', ...(options.id && { id: options.id }) }, xml('body', {}, body), ...(originId ? [originId] : []), ...(markable ? [markable] : [])));
    },
    async markDisplayed(to, id) {
      await xmpp.send(xml('message', { to, type: 'chat' }, xml('displayed', { xmlns: 'urn:xmpp:chat-markers:0', id })));
    },
    async receiveDisplayed(match, timeoutMs = 15_000) {
      return firstMatch(displayed, match, arrivals, 'displayed', timeoutMs);
    },
    async receive(match, timeoutMs = 15_000) {
      return firstMatch(received, (m) => match(m.body), arrivals, 'message', timeoutMs);
    },
    async addToRoster(jid, name) {
      await (xmpp as unknown as { iqCaller: { set(el: unknown): Promise<unknown> } }).iqCaller.set(
        xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid, name })),
      );
    },
    async confirm(to, messageId) {
      await xmpp.send(xml('message', { to }, xml('received', { xmlns: 'urn:xmpp:receipts', id: messageId })));
    },
    async ping() {
      await (xmpp as unknown as { iqCaller: { get(el: unknown, to: string): Promise<unknown> } }).iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), options.domain);
    },
    async offline() {
      await xmpp.stop().catch(() => undefined);
    },
  };
  return handle;
}

// The XMPP delivery mechanism: sign in, follow contacts' presence, send and receive chat messages with
// receipts, markers and stable ids; with stream management, a message counts as accepted only when
// the server acknowledges it, and a dropped session is resumed; reconnects by itself with back-off.
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { z } from 'zod';
import type { PresenceShow } from '../../shared/domain';
import type { AccountField, Mechanism, MechanismContext, MechanismPlugin, MechanismStatus, OutgoingMessage, SendOutcome } from '../../shared/mechanism';
import { activityOf, reasonOf } from '../../shared/mechanism';
import { Backoff } from '../../shared/backoff';
import { mechanismPlugin } from '../common/factories';
import { parseAccount, readCaFile } from '../common/account';
import { within } from '../common/within';
import { Archive, NoArchiveError, NS_SID } from './archive';
import { createConnection, UnsafeServerError, type Connection, type ConnectionOptions } from './connection';
import { StreamManagement, type Fate } from './stream-management';
import manifest from './manifest.json';
import { bareAddress, bestPresence, showFromXmpp, type ResourcePresence } from './presence-map';

const NS_RECEIPTS = 'urn:xmpp:receipts';
const NS_MARKERS = 'urn:xmpp:chat-markers:0';
const NS_CARBONS = 'urn:xmpp:carbons:2';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_DELAY = 'urn:xmpp:delay';
const NS_HINTS = 'urn:xmpp:hints';
/** A chat or normal message: errors, group chat and headlines are not someone talking to us. */
const isChat = (message: Element) => !['error', 'groupchat', 'headline'].includes(message.attrs.type ?? 'normal');

/** How far back the first catch-up from the archive reads, when the core holds nothing from the account yet. */
const CATCH_UP_DAYS = 30;
/** A server that does not answer the carbons request in this time is taken to have none. */
const CARBONS_TIMEOUT_MS = 5_000;
const jidPattern = /^[^@/\s<>"'&]+@[^@/\s<>"'&]+$/;

export const accountSchema = z.strictObject({
  jid: z.string().trim().regex(jidPattern, 'must look like name@server'),
  password: z.string().min(1, 'is missing'),
  service: z
    .string()
    .regex(/^xmpp:\/\/[^\s/:]+:\d{1,5}$/, 'must look like xmpp://host:port')
    .optional(),
  caFile: z.string().min(1).optional(),
  resource: z.string().min(1).max(100).default('switchboard'),
});
export type XmppAccount = z.output<typeof accountSchema>;

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** How long a polite close (or stop) may take before the socket is cut. */
const CLOSE_TIMEOUT_MS = 2_000;
/** Longer than a dead link takes to be found and the session resumed, so that the server's count decides. */
const ACK_TIMEOUT_MS = 45_000;
const CONNECT_TIMEOUT_MS = 20_000;

/** Errors that retrying will not cure: the user has to change something. */
function isFinal(error: unknown): boolean {
  const e = error as { name?: string; code?: string };
  return error instanceof UnsafeServerError || e?.name === 'SASLError' || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(String(e?.code ?? ''));
}

/** What went wrong, with the library's code in it: the core puts it in words for the window (plain-reason.ts). */
function explain(error: unknown): string {
  const e = error as { name?: string; code?: string; condition?: string; message?: string };
  if (e?.name === 'SASLError') return `the server refused the user name or password (SASL ${e.condition ?? e.message ?? 'failure'})`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(String(e?.code ?? ''))) return `the server's certificate could not be verified (${e.code})`;
  const message = e?.message || String(error);
  // Node's network errors name their code in the message; some (an AggregateError of each address tried) do not.
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

class XmppMechanism implements Mechanism {
  readonly #ctx: MechanismContext;
  #account: XmppAccount | undefined;
  /** The connection of the moment: a new one at each reconnect (see createConnection). */
  #connection: Connection | undefined;
  #options: ConnectionOptions | undefined;
  /** XEP-0198: the session, its counts and its unacknowledged stanzas, across connections. */
  readonly #sm = new StreamManagement();
  #online = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #backoff = new Backoff({ baseMs: MIN_BACKOFF_MS, capMs: MAX_BACKOFF_MS });
  /** The state last reported, so that one drop is reported once however many paths notice it. */
  #reported: MechanismStatus | undefined;
  /** The contacts' bare addresses (see #known). */
  #knownAddresses: Set<string> | undefined;
  /** Addresses whose presence we are subscribed to (or asked for), as the roster said at sign-in. */
  #subscribed = new Set<string>();
  /** bare address → resource → show */
  readonly #resources = new Map<string, Map<string, ResourcePresence>>();
  /**
   * Messages sent and not yet acknowledged by the server, by the very stanza xmpp.js queued: two
   * copies of one message (a resend) share an id, and the ack of one must not settle the other.
   */
  readonly #awaitingAck = new Map<Element, (outcome: SendOutcome) => void>();
  #archive: Archive | undefined;
  #catchingUp = false;
  /** The archive id of the last message this run read from the archive (or had live once caught up). */
  #caughtUpTo: string | undefined;
  /**
   * This session's catch-up has read the archive to its end: a message that comes live now is the
   * archive's newest, and where the next catch-up may start.
   */
  #caughtUp = false;

  constructor(ctx: MechanismContext) {
    this.#ctx = ctx;
  }

  /** The connection of the moment, for diagnostics (tests look at its listeners across reconnects). */
  get connection(): Connection | undefined {
    return this.#connection;
  }

  /** The session's stream management, for diagnostics (tests look at its listeners across reconnects). */
  get streamManagement(): StreamManagement {
    return this.#sm;
  }

  async start(): Promise<void> {
    const account = (this.#account = parseAccount(accountSchema, this.#ctx.account, accountFields));
    this.#stopped = false;
    const ca = await readCaFile(account.caFile);
    if (this.#stopped) return; // stopped while the file was read
    const [username = '', domain = ''] = account.jid.split('@');
    this.#options = { service: account.service ?? `xmpp://${domain}:5222`, domain, username, password: account.password, resource: account.resource, ca };
    this.#archive = new Archive(() => this.#connection, account.jid);
    const sm = this.#sm;
    sm.on('ack', (stanza: Element) => this.#settle(stanza, { ok: true, level: 'accepted' }));
    // The session could not be resumed. Where the server's count says it never had the message, it
    // goes again as new; where nothing is known, a resend looks in the archive first.
    sm.on('fail', (stanza: Element, fate: Fate) =>
      this.#settle(
        stanza,
        fate === 'not-received'
          ? { ok: false, reason: 'the connection was lost before the message reached the server', final: false }
          : { ok: false, reason: 'the connection was lost before the server confirmed the message', final: false, maybeSent: true },
      ),
    );
    // An ack request went unanswered: the link is gone though the socket has not noticed.
    sm.on('dead', () => this.#connection?.cut());
    void this.#open();
  }

  /** A new connection for the session, wired to this mechanism; what an earlier one says is ignored. */
  #connect(): Connection {
    const connection = createConnection(this.#options!, this.#sm);
    this.#connection = connection;
    const current = () => this.#connection === connection;
    const { entity } = connection;
    // Listened to for good: a leftover step of this client may still fail once we have moved on.
    entity.on('error', (error: unknown) => current() && this.#ctx.log.warn(`connection error: ${explain(error)}`));
    entity.on('disconnect', () => current() && this.#dropped());
    connection.middleware.use((ctx, next) => {
      if (!current()) return;
      try {
        if (this.#archive?.take(ctx.stanza)) return; // a result of our own archive query, not a message
        this.#onStanza(ctx.stanza);
      } catch (error) {
        // A hostile or malformed stanza costs that stanza only.
        this.#ctx.log.warn(`stanza ignored: ${(error as Error).message}`);
      }
      return next();
    });
    return connection;
  }

  #settle(stanza: Element, outcome: SendOutcome): void {
    const resolve = this.#awaitingAck.get(stanza);
    if (!resolve) return;
    this.#awaitingAck.delete(stanza);
    resolve(outcome);
  }

  /** Ends every send waiting for an ack with `outcome`: none is resent by the stream management, its fate is the core's. */
  #endWaiting(outcome: SendOutcome): void {
    for (const [stanza, resolve] of this.#awaitingAck) {
      this.#sm.abandon(stanza);
      this.#awaitingAck.delete(stanza);
      resolve(outcome);
    }
  }

  /** Opens (or reopens) the session on a new connection; resumes it when the server kept it. */
  async #open(): Promise<void> {
    if (this.#stopped || !this.#options) return;
    // Normally closed already; a socket left open would close under the next one's feet.
    this.#connection?.cut();
    const connection = this.#connect();
    const { entity } = connection;
    // While it retries, the reason of the last failed try stays shown: it is what the user can act on.
    if (this.#reported?.state !== 'connecting') this.#status({ state: 'connecting' });
    let resumed = false;
    // Ends the wait for readiness if opening failed before it could: nothing of this attempt outlives it.
    const attempt = new AbortController();
    try {
      await entity.connect(entity.options.service);
      const ready = connection.ready(CONNECT_TIMEOUT_MS, attempt.signal);
      ready.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      await entity.open({ domain: entity.options.domain });
      resumed = (await ready) === 'resumed';
    } catch (error) {
      attempt.abort();
      if (this.#stopped) return;
      // A socket that never opened (or already closed) has nothing to close; one that did is closed
      // briefly, without waiting out the library's long timeouts, and cut if it would not close: a
      // socket left open would later close under the next attempt's feet. Where the server may still
      // keep our session it is only cut: a polite close would end the session.
      if (entity.status !== 'disconnect' && entity.status !== 'offline') {
        if (!this.#sm.id) await within(entity.disconnect().catch(() => undefined), CLOSE_TIMEOUT_MS);
        connection.cut();
      }
      if (isFinal(error)) {
        this.#status({ state: 'inactive', reason: explain(error) });
        return;
      }
      this.#ctx.log.warn(`cannot connect (${explain(error)}); retrying`);
      // The server is not back at once: sends waiting for the session's resumption stop waiting (their
      // fate unknown, looked up before any copy goes again) rather than holding their messages.
      this.#endWaiting({ ok: false, reason: 'the connection was lost before the server confirmed the message', final: false, maybeSent: true });
      this.#schedule(explain(error));
      return;
    }
    if (this.#stopped) return;
    // xmpp.js says "online" as soon as the resource is bound, before stream management is enabled: a
    // message sent then would go uncounted, and "accepted" would mean only that the bytes left.
    await connection.smSettled();
    if (this.#stopped) return;
    if (this.#sm.unanswered && entity.status === 'online') {
      this.#ctx.log.warn('the server did not answer the request for acknowledgements; connecting again');
      connection.cut();
    }
    if (entity.status !== 'online' || this.#sm.unanswered) {
      this.#schedule(); // dropped while stream management was being settled, or it could not be settled
      return;
    }
    if (!resumed) {
      // Message carbons (XEP-0280), before the account says it is connected: what the user writes and
      // receives on their other devices from then on reaches this one too, so that a conversation is
      // whole here. A resumed session keeps them on.
      await connection.iqCaller
        .set(xml('enable', { xmlns: NS_CARBONS }), undefined, CARBONS_TIMEOUT_MS)
        .catch((error: unknown) => this.#ctx.log.info(`message carbons not available: ${explain(error)}`));
      if (this.#stopped || entity.status !== 'online') return this.#schedule();
    }
    this.#online = true;
    this.#backoff.reset();
    this.#status({ state: 'active' });
    if (resumed) {
      // The server kept our session and replays what we missed; what we knew of presence still holds.
      this.#ctx.log.info('session resumed');
      for (const [bare, perResource] of this.#resources) {
        const best = bestPresence(perResource.values());
        this.#ctx.presence(bare, best.show, best.status);
      }
      return;
    }
    this.#resources.clear();
    this.#caughtUp = false; // what came while away is not read yet: live messages move nothing until it is
    this.#archive?.forget();
    await entity.send(xml('presence')).catch(() => undefined);
    await this.#subscribeToContacts(connection).catch((error: unknown) => this.#ctx.log.warn(`roster: ${explain(error)}`));
    // What was said while this device was away (other than what the server held for it): in the
    // background, from the account's archive.
    void this.#catchUp();
  }

  /**
   * Catches up from the account's archive (XEP-0313) since the newest message the core holds from it,
   * or, the first time, over the last CATCH_UP_DAYS: what others wrote, what the user wrote on other
   * devices, and receipts for our own messages. Each copy carries its archive id, so that one already
   * held (from the offline store, a carbon, an earlier catch-up) is shown once.
   */
  async #catchUp(): Promise<void> {
    const archive = this.#archive;
    if (!archive || this.#catchingUp) return;
    this.#catchingUp = true;
    this.#caughtUp = false;
    try {
      // Where this run has caught up before (a reconnection), from there; else where the core says
      // (the position kept from the last run, or the newest message it holds from this account).
      const after = this.#caughtUpTo ?? this.#ctx.lastServerId();
      const since = Date.now() - CATCH_UP_DAYS * 86_400_000;
      const count = await archive.catchUp(
        { ...(after !== undefined && { after }), since },
        (message, archiveId, stamp) => this.#fromArchive(message, archiveId, stamp),
        (sofar, last, more) => {
          // The page's messages are stored (incoming is synchronous): a later catch-up starts after them.
          if (last !== undefined) this.#advance(last);
          // Only a catch-up of more than a page says so: one that ends at once would only flicker.
          if (more && this.#online) this.#status({ state: 'active', activity: `Catching up on messages from while you were away: ${sofar} so far` });
        },
      );
      this.#caughtUp = true;
      this.#ctx.log.info(`caught up ${count} messages from the archive`);
    } catch (error) {
      this.#ctx.log.warn(`catching up from the archive: ${explain(error)}`);
    } finally {
      this.#catchingUp = false;
      if (this.#online && activityOf(this.#reported ?? { state: 'active' }) !== undefined) this.#status({ state: 'active' });
    }
  }

  /** The archive has been read (and stored) up to this id: this run's next catch-up, and the core's, start there. */
  #advance(archiveId: string): void {
    this.#caughtUpTo = archiveId;
    this.#ctx.caughtUpTo?.(archiveId);
  }

  /** A message from the account's own archive: said by a contact, or by the user on any device. */
  #fromArchive(message: Element, archiveId: string, stamp: number | undefined): void {
    const own = this.#ownAddress();
    if (!own || !isChat(message)) return;
    const from = message.attrs.from ? bareAddress(message.attrs.from) : own;
    const said = this.#said(message);
    const at = stamp !== undefined ? { at: stamp } : {};
    if (from === own) {
      const to = message.attrs.to && bareAddress(message.attrs.to);
      if (!to || to === own) return;
      if (said) this.#ctx.incoming({ ...said, from: to, fromOwnDevice: true, serverId: archiveId, ...at });
      this.#readElsewhere(message, to);
      return;
    }
    this.#confirmations(message, from);
    if (said) this.#ctx.incoming({ ...said, from, serverId: archiveId, ...at });
  }


  /** Asks for the presence of every contact address we are not yet subscribed to. */
  async #subscribeToContacts(connection: Connection): Promise<void> {
    const roster = await connection.iqCaller.get(xml('query', { xmlns: 'jabber:iq:roster' }));
    this.#subscribed = new Set(
      roster
        .getChildren('item')
        .filter((item) => item.attrs.subscription === 'to' || item.attrs.subscription === 'both' || item.attrs.ask === 'subscribe')
        .map((item) => bareAddress(item.attrs.jid ?? '')),
    );
    await this.#subscribeToNew(connection);
    // The roster is the user's contact list on this server: offer its people as contacts (the core
    // leaves out those already known).
    for (const item of roster.getChildren('item')) {
      const address = bareAddress(item.attrs.jid ?? '');
      if (!jidPattern.test(address) || this.#known(address)) continue;
      this.#ctx.suggest({ address, ...(item.attrs.name && { name: item.attrs.name.slice(0, 200) }) });
    }
  }

  /** Subscribes to the contacts' addresses not subscribed to yet (at sign-in, and when contacts change). */
  async #subscribeToNew(connection: Connection): Promise<void> {
    for (const address of this.#ctx.addresses()) {
      const bare = bareAddress(address);
      if (this.#subscribed.has(bare) || !jidPattern.test(bare)) continue;
      this.#subscribed.add(bare);
      await connection.entity.send(xml('presence', { to: bare, type: 'subscribe' }));
    }
  }

  addressesChanged(): void {
    this.#knownAddresses = undefined;
    const connection = this.#connection;
    if (!connection || !this.#online) return; // the next sign-in subscribes to them anyway
    this.#subscribeToNew(connection).catch((error: unknown) => this.#ctx.log.warn(`subscribing: ${explain(error)}`));
  }

  /** Whether a bare address is a contact's: a set, built once per change of the addresses, not a scan per stanza. */
  #known(bare: string): boolean {
    this.#knownAddresses ??= new Set(this.#ctx.addresses().map(bareAddress));
    return this.#knownAddresses.has(bare);
  }

  #onStanza(stanza: Element): void {
    const from = stanza.attrs.from;
    if (!from) return;
    const bare = bareAddress(from);
    if (this.#account && bare === bareAddress(this.#account.jid)) {
      // Our own other devices: only carbons count, and only from our own bare address (XEP-0280 §11),
      // since anyone can wrap a message in <sent/> and claim we wrote it.
      if (stanza.is('message') && from === bare) this.#onCarbon(stanza, bare);
      return;
    }
    if (stanza.is('presence')) this.#onPresence(stanza, bare, from);
    else if (stanza.is('message')) this.#onMessage(stanza, bare, true);
  }

  /** A copy of a message sent or received by another of the user's devices. */
  #onCarbon(stanza: Element, own: string): void {
    const sent = stanza.getChild('sent', NS_CARBONS);
    const copy = (sent ?? stanza.getChild('received', NS_CARBONS))?.getChild('forwarded', NS_FORWARD)?.getChild('message');
    if (!copy) return;
    if (!sent) {
      // Received by the other device: ours too, but that device answers its receipt.
      const from = copy.attrs.from;
      if (from && bareAddress(from) !== own) this.#onMessage(copy, bareAddress(from), false);
      return;
    }
    const to = copy.attrs.to && bareAddress(copy.attrs.to);
    if (!to || to === own || !isChat(copy)) return;
    const said = this.#said(copy);
    if (said) this.#ctx.incoming({ ...said, from: to, fromOwnDevice: true });
    this.#readElsewhere(copy, to);
  }

  /**
   * A message the user sent from another device (a carbon, or found in the archive) that marks what
   * `to` wrote as displayed (XEP-0333): they read it there, so it is read here too.
   */
  #readElsewhere(message: Element, to: string): void {
    const displayed = message.getChild('displayed', NS_MARKERS)?.attrs.id;
    if (displayed) this.#ctx.readElsewhere?.(to, displayed);
  }

  #onPresence(stanza: Element, bare: string, from: string): void {
    const type = stanza.attrs.type;
    if (type === 'subscribe') {
      // Known contacts may see our presence; anyone else's request waits for the user.
      if (this.#known(bare)) void this.#connection?.entity.send(xml('presence', { to: bare, type: 'subscribed' })).catch(() => undefined);
      return;
    }
    if (type !== undefined && type !== 'unavailable') return;
    const resource = from.includes('/') ? from.slice(from.indexOf('/') + 1) : '';
    let perResource = this.#resources.get(bare);
    if (!perResource) this.#resources.set(bare, (perResource = new Map()));
    if (type === 'unavailable') perResource.delete(resource);
    else {
      const status = stanza.getChildText('status')?.trim();
      perResource.set(resource, { show: showFromXmpp(stanza.getChildText('show')), ...(status && { status }) });
    }
    const best = bestPresence(perResource.values());
    this.#ctx.presence(bare, best.show, best.status);
  }

  /** @param answerReceipt whether this device answers a receipt request (not for a copy another device received). */
  #onMessage(stanza: Element, bare: string, answerReceipt: boolean): void {
    if (!isChat(stanza)) return;
    this.#confirmations(stanza, bare);
    const said = this.#said(stanza);
    if (!said) return;
    if (answerReceipt && stanza.getChild('request', NS_RECEIPTS) && stanza.attrs.id && stanza.attrs.from) {
      // The sender asked for a receipt: our device has the message.
      void this.#connection?.entity
        .send(xml('message', { to: stanza.attrs.from, id: randomUUID() }, xml('received', { xmlns: NS_RECEIPTS, id: stanza.attrs.id })))
        .catch(() => undefined);
    }
    // A message the server kept for us (offline) says when it had it (XEP-0203): believed only from our server.
    const own = this.#ownAddress();
    const delay = stanza.getChild('delay', NS_DELAY);
    const stamp = delay && own && (delay.attrs.from === own || delay.attrs.from === own.split('@')[1]) ? Date.parse(delay.attrs.stamp ?? '') : NaN;
    this.#ctx.incoming({ ...said, from: bare, ...(!Number.isNaN(stamp) && { at: stamp }) });
    // One the server held back (offline, delayed) may be older than what a catch-up read: not moved back to.
    if (said.serverId && !delay && this.#caughtUp && !this.#catchingUp) this.#advance(said.serverId);
  }

  /** XEP-0184 receipts and XEP-0333 markers confirm messages we sent; only known contacts are believed. */
  #confirmations(message: Element, from: string): void {
    if (!this.#known(from)) return;
    const received = message.getChild('received', NS_RECEIPTS)?.attrs.id;
    if (received) this.#ctx.receipt(received, 'delivered');
    const displayed = message.getChild('displayed', NS_MARKERS)?.attrs.id;
    if (displayed) this.#ctx.receipt(displayed, 'read');
  }

  /**
   * A message's words and ids, or undefined when it says nothing. XEP-0359: the origin-id is the
   * sender's, the same on every copy; a stanza-id is trusted only when our own server stamped it (by=
   * our bare address), as anyone can put one in what they send.
   */
  #said(message: Element): { body: string; id?: string; serverId?: string; ref?: string; markable?: boolean } | undefined {
    const body = message.getChildText('body');
    if (!body) return undefined;
    const own = this.#ownAddress();
    const originId = message.getChild('origin-id', NS_SID)?.attrs.id;
    const serverId = message.getChildren('stanza-id', NS_SID).find((s) => !!s.attrs.by && bareAddress(s.attrs.by) === own)?.attrs.id;
    // XEP-0333: a marker names a one-to-one message by its stanza id; only one with an id can be marked.
    const ref = message.attrs.id;
    const markable = !!ref && !!message.getChild('markable', NS_MARKERS);
    return { body, ...(originId && { id: originId }), ...(serverId && { serverId }), ...(ref && { ref }), ...(markable && { markable }) };
  }

  #ownAddress(): string | undefined {
    return this.#account && bareAddress(this.#account.jid);
  }

  #dropped(): void {
    // Sends the server had not acknowledged wait for the session's resumption: the server then says
    // how many it had, the stream management resends the others, and each is settled by its ack or
    // failed with its fate (see stream-management.ts).
    if (!this.#online || this.#stopped) return;
    this.#online = false;
    this.#ctx.log.warn('connection dropped; reconnecting');
    this.#schedule();
  }

  /** Tries again after the back-off; `reason`: why the last try failed, shown meanwhile. */
  #schedule(reason?: string): void {
    if (this.#stopped) return;
    this.#status(reason === undefined ? { state: 'connecting' } : { state: 'connecting', reason });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#open(), this.#backoff.next());
  }

  /** Reports a state once: a drop noticed by the socket and by the attempt under way is one drop. */
  #status(status: MechanismStatus): void {
    const last = this.#reported;
    if (last?.state === status.state && reasonOf(last) === reasonOf(status) && activityOf(last) === activityOf(status)) return;
    this.#reported = status;
    this.#ctx.status(status);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const connection = this.#connection;
    this.#online = false;
    if (connection) {
      await connection.entity.send(xml('presence', { type: 'unavailable' })).catch(() => undefined);
      await within(connection.entity.stop().catch(() => undefined), CLOSE_TIMEOUT_MS);
      connection.cut(); // a server that would not close in time leaves no socket behind either
    }
    this.#backoff.reset();
    this.#reported = undefined;
    this.#endWaiting({ ok: false, reason: 'Switchboard is stopping', final: false });
  }

  /**
   * One `displayed` marker (XEP-0333) for the message `ref` of `address`, which covers every earlier
   * one: a chat message, so that the server copies it to the user's other clients (carbons), and
   * hinted to be archived, so that a client that was away finds it too.
   */
  async markDisplayed(address: string, ref: string): Promise<void> {
    const to = bareAddress(address);
    if (!jidPattern.test(to)) throw new Error('not a valid address');
    const connection = this.#connection;
    if (!connection || !this.#online) throw new Error('not connected');
    await connection.entity.send(
      xml('message', { type: 'chat', to, id: randomUUID() }, xml('displayed', { xmlns: NS_MARKERS, id: ref }), xml('store', { xmlns: NS_HINTS })),
    );
  }

  async send(address: string, message: OutgoingMessage): Promise<SendOutcome> {
    const to = bareAddress(address);
    if (!jidPattern.test(to)) return { ok: false, reason: 'not a valid address', final: true };
    const connection = this.#connection;
    if (!connection || !this.#online) return { ok: false, reason: 'not connected', final: false };
    if (!message.resend) return this.#transmit(connection, to, message);
    // An earlier copy may have reached the server: the account's archive says whether it did.
    try {
      if (await this.#archive!.holds(to, message.id, message.firstSentAt, message.lastSentAt)) return { ok: true, level: 'accepted', note: 'found-in-archive' };
    } catch (error) {
      const e = error as { type?: string };
      // No archive, or one that refuses the query for good: nothing can be known, so it goes again.
      if (error instanceof NoArchiveError || e?.type === 'cancel' || e?.type === 'modify') {
        const outcome = await this.#transmit(connection, to, message);
        return outcome.ok ? { ...outcome, note: 'possibly-duplicated' } : outcome;
      }
      return { ok: false, reason: `the server's archive could not be searched for an earlier copy (${explain(error)})`, final: false };
    }
    return this.#transmit(connection, to, message);
  }

  async #transmit(connection: Connection, to: string, message: OutgoingMessage): Promise<SendOutcome> {
    const stanza = xml(
      'message',
      { type: 'chat', to, id: message.id },
      xml('body', {}, message.body),
      // XEP-0359: the same id on every copy lets the recipient drop a duplicate.
      xml('origin-id', { xmlns: NS_SID, id: message.id }),
      xml('request', { xmlns: NS_RECEIPTS }),
      xml('markable', { xmlns: NS_MARKERS }),
    );
    // xmpp.js counts (queues) every stanza sent once <enable/> has gone out, before <enabled/> too.
    const sm = this.#sm;
    const acknowledged = sm.counting
      ? new Promise<SendOutcome>((resolve) => {
            const timer = setTimeout(() => {
              // Not resent by the stream management from now on: the core decides, and looks first.
              sm.abandon(stanza);
              this.#awaitingAck.delete(stanza);
              resolve({ ok: false, reason: 'the server did not acknowledge the message in time', final: false, maybeSent: true });
            }, ACK_TIMEOUT_MS);
            this.#awaitingAck.set(stanza, (outcome) => (clearTimeout(timer), resolve(outcome)));
          })
        : undefined;
    try {
      await connection.entity.send(stanza);
    } catch (error) {
      // Counted by the stream management, it is settled by the server's count when the session resumes.
      if (acknowledged) return acknowledged;
      return { ok: false, reason: explain(error), final: false, maybeSent: true };
    }
    // With stream management the server's ack is what "accepted" means; without it, the write is all we know.
    return acknowledged ?? { ok: true, level: 'accepted' };
  }
}

/** The account form's fields; their labels also name the fields in what is wrong with an account. */
const accountFields: readonly AccountField[] = [
  { key: 'jid', label: 'Address (name@server)', kind: 'text', required: true, bindsSecrets: true },
  { key: 'password', label: 'Password', kind: 'secret', required: true },
  { key: 'service', label: 'Server to dial (xmpp://host:port)', kind: 'text', required: false, bindsSecrets: true },
  { key: 'caFile', label: 'CA certificate file', kind: 'text', required: false, bindsSecrets: true, file: true },
];

export default function xmpp(): MechanismPlugin {
  return mechanismPlugin({
    manifest,
    accountSchema,
    capabilities: { presence: true, receipts: true },
    normalizeAddress: bareAddress,
    accountFields,
    create: (ctx) => new XmppMechanism(ctx),
  });
}

// The XMPP delivery mechanism: sign in, follow contacts' presence, send and receive chat messages,
// and reconnect on its own when the connection drops.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { Client } from '@xmpp/client-core';
import xml, { type Element } from '@xmpp/xml';
import type { PresenceShow } from '../../shared/domain';
import type { Mechanism, MechanismContext, MechanismPlugin, OutgoingMessage, SendOutcome } from '../../shared/mechanism';
import { describeIssues } from '../../shared/settings';
import { createConnection, type Connection } from './connection';
import manifest from './manifest.json';
import { bareAddress, bestShow, showFromXmpp } from './presence-map';

const NS_RECEIPTS = 'urn:xmpp:receipts';
const NS_MARKERS = 'urn:xmpp:chat-markers:0';
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

/** Errors that retrying will not cure: the user has to change something. */
function isFinal(error: unknown): boolean {
  const e = error as { name?: string; code?: string; condition?: string };
  return e?.name === 'SASLError' || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(String(e?.code ?? '')) || /without it|does not offer/.test(String((error as Error)?.message));
}

function explain(error: unknown): string {
  const e = error as { name?: string; code?: string; condition?: string; message?: string };
  if (e?.name === 'SASLError') return 'the server refused the user name or password';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(String(e?.code ?? ''))) return `the server's certificate could not be verified (${e.code})`;
  return e?.message || String(error);
}

class XmppMechanism implements Mechanism {
  readonly #ctx: MechanismContext;
  #account: XmppAccount | undefined;
  #ca: string | undefined;
  #connection: Connection | undefined;
  #online = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #backoff = MIN_BACKOFF_MS;
  /** bare address → resource → show */
  readonly #resources = new Map<string, Map<string, PresenceShow>>();

  constructor(ctx: MechanismContext) {
    this.#ctx = ctx;
  }

  async start(): Promise<void> {
    const parsed = accountSchema.safeParse(this.#ctx.account);
    if (!parsed.success) throw new Error(`the account settings are not valid: ${describeIssues(parsed.error)}`);
    this.#account = parsed.data;
    if (parsed.data.caFile) {
      try {
        this.#ca = fs.readFileSync(parsed.data.caFile, 'utf8');
      } catch (error) {
        throw new Error(`the CA file ${parsed.data.caFile} cannot be read (${(error as Error).message})`);
      }
    }
    this.#stopped = false;
    void this.#connect();
  }

  async #connect(): Promise<void> {
    const account = this.#account;
    if (!account || this.#stopped) return;
    const [username = '', domain = ''] = account.jid.split('@');
    const connection = createConnection({
      service: account.service ?? `xmpp://${domain}:5222`,
      domain,
      username,
      password: account.password,
      resource: account.resource,
      ca: this.#ca,
    });
    this.#connection = connection;
    this.#ctx.status({ state: 'connecting' });
    const { entity } = connection;
    entity.on('error', (error: unknown) => this.#ctx.log.warn(`connection error: ${explain(error)}`));
    entity.on('disconnect', () => this.#dropped(connection));
    connection.middleware.use((ctx, next) => {
      if (this.#connection !== connection) return next();
      try {
        this.#onStanza(ctx.stanza);
      } catch (error) {
        // A hostile or malformed stanza costs that stanza only.
        this.#ctx.log.warn(`stanza ignored: ${(error as Error).message}`);
      }
      return next();
    });
    try {
      await entity.start();
    } catch (error) {
      if (this.#connection !== connection) return;
      this.#discard(connection);
      if (isFinal(error)) {
        this.#ctx.status({ state: 'inactive', reason: explain(error) });
        return;
      }
      this.#ctx.log.warn(`cannot connect (${explain(error)}); retrying`);
      this.#schedule();
      return;
    }
    if (this.#connection !== connection || this.#stopped) return;
    this.#online = true;
    this.#backoff = MIN_BACKOFF_MS;
    await entity.send(xml('presence')).catch(() => undefined);
    this.#ctx.status({ state: 'active' });
    await this.#subscribeToContacts(connection).catch((error: unknown) => this.#ctx.log.warn(`roster: ${explain(error)}`));
  }

  /** Asks for the presence of every contact address we are not yet subscribed to. */
  async #subscribeToContacts(connection: Connection): Promise<void> {
    const roster = await connection.iqCaller.get(xml('query', { xmlns: 'jabber:iq:roster' }));
    const subscribed = new Set(
      roster
        .getChildren('item')
        .filter((item) => item.attrs.subscription === 'to' || item.attrs.subscription === 'both' || item.attrs.ask === 'subscribe')
        .map((item) => bareAddress(item.attrs.jid ?? '')),
    );
    for (const address of this.#ctx.addresses()) {
      const bare = bareAddress(address);
      if (!subscribed.has(bare) && jidPattern.test(bare)) await connection.entity.send(xml('presence', { to: bare, type: 'subscribe' }));
    }
  }

  #known(bare: string): boolean {
    return this.#ctx.addresses().some((a) => bareAddress(a) === bare);
  }

  #onStanza(stanza: Element): void {
    const from = stanza.attrs.from;
    if (!from) return;
    const bare = bareAddress(from);
    if (this.#account && bare === bareAddress(this.#account.jid)) return; // our own other devices
    if (stanza.is('presence')) this.#onPresence(stanza, bare, from);
    else if (stanza.is('message')) this.#onMessage(stanza, bare);
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
    else perResource.set(resource, showFromXmpp(stanza.getChildText('show')));
    this.#ctx.presence(bare, bestShow(perResource.values()));
  }

  #onMessage(stanza: Element, bare: string): void {
    const type = stanza.attrs.type ?? 'normal';
    if (type === 'error' || type === 'groupchat' || type === 'headline') return;
    // XEP-0184 receipts and XEP-0333 markers confirm messages we sent; only known contacts are believed.
    const received = stanza.getChild('received', NS_RECEIPTS)?.attrs.id;
    if (received && this.#known(bare)) this.#ctx.receipt(received, 'delivered');
    const displayed = stanza.getChild('displayed', NS_MARKERS)?.attrs.id;
    if (displayed && this.#known(bare)) this.#ctx.receipt(displayed, 'read');
    const body = stanza.getChildText('body');
    if (!body) return;
    const originId = stanza.getChild('origin-id', 'urn:xmpp:sid:0')?.attrs.id ?? stanza.attrs.id;
    if (stanza.getChild('request', NS_RECEIPTS) && stanza.attrs.id && stanza.attrs.from) {
      // The sender asked for a receipt: our device has the message.
      void this.#connection?.entity
        .send(xml('message', { to: stanza.attrs.from, id: randomUUID() }, xml('received', { xmlns: NS_RECEIPTS, id: stanza.attrs.id })))
        .catch(() => undefined);
    }
    this.#ctx.incoming({ from: bare, body, id: originId });
  }

  #dropped(connection: Connection): void {
    if (this.#connection !== connection) return;
    this.#discard(connection);
    if (this.#stopped) return;
    this.#ctx.log.warn('connection dropped; reconnecting');
    this.#schedule();
  }

  /** Forgets a connection: its presence knowledge goes with it. */
  #discard(connection: Connection): void {
    if (this.#connection === connection) this.#connection = undefined;
    this.#online = false;
    this.#resources.clear();
    // Our listeners stay attached but check that this is still the current connection.
    void connection.entity.stop().catch(() => undefined);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#ctx.status({ state: 'connecting' });
    // Jitter spreads reconnections so that many clients do not hit a restarted server at once.
    const delay = Math.min(this.#backoff, MAX_BACKOFF_MS) * (0.5 + Math.random() / 2);
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const connection = this.#connection;
    this.#connection = undefined;
    this.#online = false;
    if (!connection) return;
    await connection.entity.send(xml('presence', { type: 'unavailable' })).catch(() => undefined);
    await connection.entity.stop().catch(() => undefined);
  }

  async send(address: string, message: OutgoingMessage): Promise<SendOutcome> {
    const to = bareAddress(address);
    if (!jidPattern.test(to)) return { ok: false, reason: 'not a valid address', final: true };
    const entity: Client | undefined = this.#connection?.entity;
    if (!entity || !this.#online) return { ok: false, reason: 'not connected', final: false };
    try {
      await entity.send(
        xml(
          'message',
          { type: 'chat', to, id: message.id },
          xml('body', {}, message.body),
          // XEP-0359: the same id on every copy lets the recipient drop a duplicate.
          xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: message.id }),
          xml('request', { xmlns: NS_RECEIPTS }),
          xml('markable', { xmlns: NS_MARKERS }),
        ),
      );
      return { ok: true, level: 'accepted' };
    } catch (error) {
      return { ok: false, reason: explain(error), final: false };
    }
  }
}

export default function xmpp(): MechanismPlugin {
  return {
    kind: 'mechanism',
    id: manifest.name,
    displayName: manifest.displayName,
    capabilities: { presence: true, receipts: true },
    normalizeAddress: bareAddress,
    create: (ctx) => new XmppMechanism(ctx),
  };
}

// The IRC delivery mechanism: private messages to nicks over TLS, presence by MONITOR or USERHOST
// polling, ERR_NOSUCHNICK as a final failure, long messages split and paced for flood control.
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'irc-framework';
import { lineBreak } from 'irc-framework/src/linebreak.js';
import { z } from 'zod';
import type { PresenceShow } from '../../shared/domain';
import type { Mechanism, MechanismContext, MechanismPlugin, MechanismStatus, OutgoingMessage, SendOutcome } from '../../shared/mechanism';
import { Backoff } from '../../shared/backoff';
import { mechanismPlugin } from '../common/factories';
import { parseAccount, readCaFile } from '../common/account';
import { within } from '../common/within';
import manifest from './manifest.json';
import { VerifiedTlsTransport } from './transport';

const nickPattern = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,29}$/;

export const accountSchema = z.strictObject({
  server: z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name'),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65_535).default(6697),
  nick: z.string().regex(nickPattern, 'must be a valid IRC nick'),
  password: z.string().min(1).optional(),
  sasl: z.strictObject({ account: z.string().min(1), password: z.string().min(1) }).optional(),
  caFile: z.string().min(1).optional(),
  pollSeconds: z.number().positive().max(3600).default(30),
  lineIntervalMs: z.number().int().min(0).max(10_000).default(500),
});

/** RFC 1459 case mapping: nicks that differ only so are the same person. */
export function normalizeNick(nick: string): string {
  return nick.trim().toLowerCase().replace(/\[/g, '{').replace(/\]/g, '}').replace(/\\/g, '|').replace(/~/g, '^');
}

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;
const LINE_BYTES = 400; // well inside 512 with the PRIVMSG prefix the server adds
const BURST = 4;
/** How long QUIT may take before the socket is cut. */
const CLOSE_TIMEOUT_MS = 2_000;

interface Pending {
  readonly nick: string;
  readonly resolve: (outcome: SendOutcome) => void;
}

class IrcMechanism implements Mechanism {
  readonly #ctx: MechanismContext;
  #account: z.output<typeof accountSchema> | undefined;
  #ca: string | undefined;
  #client: Client | undefined;
  #registered = false;
  #stopped = false;
  readonly #backoff = new Backoff({ baseMs: MIN_BACKOFF_MS, capMs: MAX_BACKOFF_MS });
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  /** Waits for the end of the MOTD before watching presence, at most a few seconds. */
  #motdTimer: NodeJS.Timeout | undefined;
  /** Ends the flood-control waits when the mechanism stops. */
  #pacing = new AbortController();
  /** The state last reported, so that a drop is reported once. */
  #reported: MechanismStatus | undefined;
  #pings = 0;
  readonly #pending = new Map<string, Pending>();
  /** Flood control: when the next line may go, and how many went in the current burst. */
  #nextLineAt = 0;
  #burst = 0;
  #lines: Promise<void> = Promise.resolve();
  readonly #presence = new Map<string, PresenceShow>();

  constructor(ctx: MechanismContext) {
    this.#ctx = ctx;
  }

  async start(): Promise<void> {
    this.#account = parseAccount(accountSchema, this.#ctx.account);
    this.#stopped = false;
    this.#pacing = new AbortController();
    this.#ca = await readCaFile(this.#account.caFile);
    if (this.#stopped) return; // stopped while the file was read
    this.#connect();
  }

  /** Reports a state once: a drop is one drop however many events tell of it. */
  #status(status: MechanismStatus): void {
    const last = this.#reported;
    if (last?.state === status.state && (last as { reason?: string }).reason === (status as { reason?: string }).reason) return;
    this.#reported = status;
    this.#ctx.status(status);
  }

  #connect(): void {
    const account = this.#account!;
    this.#status({ state: 'connecting' });
    const client = new Client({ auto_reconnect: false, ping_interval: 30, ping_timeout: 60, message_max_length: LINE_BYTES });
    this.#client = client;
    // Events from a client we have replaced are ignored.
    const mine =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (this.#client === client) fn(...args);
      };
    client.on('registered', mine(() => this.#onRegistered()));
    // irc-framework tells of a closed socket twice, 'socket close' then 'close': one drop, one
    // reconnect, so only the first is heard (it always comes, 'close' only when it will not reconnect).
    client.on('socket close', mine(() => this.#onClose()));
    client.on('irc error', mine((e: { error: string; nick?: string; reason?: string }) => this.#onIrcError(e)));
    client.on('pong', mine((e: { message?: string }) => this.#onPong(e.message)));
    client.on('privmsg', mine((e: { nick: string; target: string; message: string }) => this.#onPrivmsg(e)));
    client.on('users online', mine((e: { nicks: string[] }) => this.#onMonitor(e.nicks, 'available')));
    client.on('users offline', mine((e: { nicks: string[] }) => this.#onMonitor(e.nicks, 'offline')));
    client.on('away', mine((e: { nick: string; self?: boolean }) => !e.self && this.#setPresence(e.nick, 'away')));
    client.on('back', mine((e: { nick: string; self?: boolean }) => !e.self && this.#setPresence(e.nick, 'available')));
    client.on('unknown command', mine((c: { command: string; params: string[] }) => c.command === '302' && this.#onUserhost(c.params.at(-1) ?? '')));
    client.on('sasl failed', mine(() => this.#ctx.log.warn('SASL sign-in failed')));
    // Before sign-in this is most often our own connection that just dropped, not yet noticed by the
    // server: this attempt ends, and the next (after the back-off) finds the nick free. Left alone,
    // sign-in would hang until the server's registration timeout.
    client.on(
      'nick in use',
      mine(() => {
        if (this.#registered) return;
        this.#ctx.log.warn(`the nick ${account.nick} is in use; trying again`);
        client.quit();
      }),
    );
    client.connect({
      host: account.host ?? account.server,
      port: account.port,
      servername: account.server,
      ca: this.#ca,
      transport: VerifiedTlsTransport,
      nick: account.nick,
      username: account.nick.toLowerCase().slice(0, 10),
      gecos: 'Switchboard',
      ...(account.password && { password: account.password }),
      ...(account.sasl && { account: { account: account.sasl.account, password: account.sasl.password } }),
    });
  }

  #onRegistered(): void {
    this.#registered = true;
    this.#backoff.reset();
    this.#status({ state: 'active' });
    // What the server offers (ISUPPORT) arrives after the welcome and before the end of the MOTD.
    const client = this.#client!;
    let begun = false;
    const begin = () => {
      if (begun || this.#client !== client) return;
      begun = true;
      clearTimeout(this.#motdTimer);
      this.#watchPresence();
    };
    clearTimeout(this.#motdTimer);
    this.#motdTimer = setTimeout(begin, 5_000);
    client.once('motd', begin);
  }

  #watchPresence(): void {
    const client = this.#client!;
    const nicks = this.#ctx.addresses().filter((a) => nickPattern.test(a));
    if (client.network.supports('MONITOR')) {
      // The server tells us at once when a nick comes or goes; USERHOST still tells away.
      this.#ctx.log.info('presence by MONITOR');
      for (const nick of nicks) client.addMonitor(nick);
    }
    this.#poll();
  }

  /** USERHOST answers for up to 5 nicks at once, with online and away in one reply. */
  #poll(): void {
    clearTimeout(this.#pollTimer);
    if (!this.#registered || !this.#client) return;
    const nicks = this.#ctx.addresses().filter((a) => nickPattern.test(a));
    for (let i = 0; i < nicks.length; i += 5) {
      const batch = nicks.slice(i, i + 5);
      void this.#queueLine(() => {
        this.#asked.push(batch.map(normalizeNick));
        this.#client?.raw('USERHOST', ...batch);
      });
    }
    this.#pollTimer = setTimeout(() => this.#poll(), this.#account!.pollSeconds * 1000);
  }

  /** The nicks of each USERHOST sent and not yet answered; the server answers in order. */
  readonly #asked: string[][] = [];

  #onUserhost(reply: string): void {
    const asked = this.#asked.shift() ?? [];
    const answered = new Set<string>();
    for (const entry of reply.trim().split(/\s+/).filter(Boolean)) {
      const match = /^([^=*]+)\*?=([+-])/.exec(entry);
      if (!match) continue;
      answered.add(normalizeNick(match[1]!));
      this.#setPresence(match[1]!, match[2] === '-' ? 'away' : 'available');
    }
    // A nick asked for and not answered for is not on the network.
    for (const nick of asked) if (!answered.has(nick)) this.#setPresence(nick, 'offline');
  }

  #onMonitor(nicks: string[], show: PresenceShow): void {
    for (const entry of nicks) this.#setPresence(entry.split('!')[0]!, show);
  }

  #setPresence(nick: string, show: PresenceShow): void {
    const key = normalizeNick(nick);
    if (key === normalizeNick(this.#account?.nick ?? '')) return;
    if (this.#presence.get(key) === show) return;
    this.#presence.set(key, show);
    this.#ctx.presence(key, show);
  }

  #onPrivmsg(e: { nick: string; target: string; message: string }): void {
    if (normalizeNick(e.target) !== normalizeNick(this.#client?.user.nick ?? '')) return; // channel traffic is not for us
    this.#ctx.incoming({ from: e.nick, body: e.message });
  }

  #onIrcError(e: { error: string; nick?: string; reason?: string }): void {
    if (e.error !== 'no_such_nick' || !e.nick) return;
    const nick = normalizeNick(e.nick);
    for (const [token, pending] of this.#pending) {
      if (pending.nick === nick) {
        this.#pending.delete(token);
        pending.resolve({ ok: false, reason: `there is no one called ${e.nick} on the network now`, final: true });
      }
    }
  }

  #onPong(message: string | undefined): void {
    const pending = message ? this.#pending.get(message) : undefined;
    if (!pending || !message) return;
    this.#pending.delete(message);
    pending.resolve({ ok: true, level: 'accepted' });
  }

  #onClose(): void {
    const wasUp = this.#registered;
    this.#registered = false;
    this.#asked.length = 0; // questions on a closed connection get no answer
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#motdTimer);
    this.#failPending('the connection dropped');
    if (this.#stopped) return;
    if (wasUp) this.#ctx.log.warn('connection dropped; reconnecting');
    this.#status({ state: 'connecting' });
    for (const nick of this.#presence.keys()) this.#presence.delete(nick);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      if (this.#stopped) return;
      this.#client?.removeAllListeners();
      this.#connect();
    }, this.#backoff.next());
  }

  #failPending(reason: string): void {
    for (const [token, pending] of this.#pending) {
      this.#pending.delete(token);
      pending.resolve({ ok: false, reason, final: false });
    }
  }

  /** Paces lines: a burst, then one per interval, in order, so flood control never trips. */
  #queueLine(write: () => void): Promise<void> {
    const interval = this.#account?.lineIntervalMs ?? 500;
    const pacing = this.#pacing.signal;
    this.#lines = this.#lines.then(async () => {
      const now = Date.now();
      if (now >= this.#nextLineAt + interval * BURST) this.#burst = 0; // quiet long enough: a new burst
      if (this.#burst >= BURST && now < this.#nextLineAt) await delay(this.#nextLineAt - now, undefined, { signal: pacing }).catch(() => undefined);
      if (pacing.aborted) return; // stopped: lines queued before are not sent
      this.#burst += 1;
      this.#nextLineAt = Math.max(Date.now(), this.#nextLineAt) + interval;
      write();
    });
    return this.#lines;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#motdTimer);
    this.#pacing.abort();
    this.#failPending('Switchboard is stopping');
    const client = this.#client;
    this.#client = undefined;
    this.#registered = false;
    if (client?.connected) {
      const closed = once(client, 'socket close').catch(() => undefined);
      client.quit('Switchboard closing');
      await within(closed, CLOSE_TIMEOUT_MS);
    }
    // A connection still being made, or a server that did not close in time, leaves no socket behind.
    client?.connection.transport?.disposeSocket();
    client?.removeAllListeners();
    this.#backoff.reset();
    this.#reported = undefined;
  }

  async send(address: string, message: OutgoingMessage): Promise<SendOutcome> {
    const nick = address.trim();
    if (!nickPattern.test(nick)) return { ok: false, reason: 'not an IRC nick', final: true };
    const client = this.#client;
    if (!client || !this.#registered) return { ok: false, reason: 'not connected', final: false };
    const lines = message.body
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .flatMap((l) => [...lineBreak(l, { bytes: LINE_BYTES - nick.length, allowBreakingWords: true, allowBreakingGraphemes: true })]);
    const token = `sb${++this.#pings}-${Date.now()}`;
    const outcome = new Promise<SendOutcome>((resolve) => this.#pending.set(token, { nick: normalizeNick(nick), resolve }));
    for (const line of lines) void this.#queueLine(() => client.raw('PRIVMSG', nick, line));
    // The server answers in order: a 401 for this nick before our PONG means nobody received it.
    void this.#queueLine(() => client.raw('PING', token));
    const result = await within(outcome, 15_000 + lines.length * (this.#account?.lineIntervalMs ?? 500));
    this.#pending.delete(token);
    return result ?? { ok: false, reason: 'the server did not confirm in time', final: false };
  }
}

export default function irc(): MechanismPlugin {
  return mechanismPlugin({
    manifest,
    accountSchema,
    capabilities: { presence: true, receipts: false },
    normalizeAddress: normalizeNick,
    accountFields: [
      { key: 'server', label: 'Server name', kind: 'text', required: true, bindsSecrets: true },
      { key: 'host', label: 'Address to dial', kind: 'text', required: false, bindsSecrets: true },
      { key: 'port', label: 'TLS port', kind: 'number', required: false, bindsSecrets: true },
      { key: 'nick', label: 'Nick', kind: 'text', required: true },
      { key: 'password', label: 'Server password', kind: 'secret', required: false },
      { key: 'sasl.account', label: 'SASL account', kind: 'text', required: false, bindsSecrets: true },
      { key: 'sasl.password', label: 'SASL password', kind: 'secret', required: false },
      { key: 'caFile', label: 'CA certificate file', kind: 'text', required: false, bindsSecrets: true, file: true },
    ],
    create: (ctx) => new IrcMechanism(ctx),
  });
}

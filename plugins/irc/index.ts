// The IRC delivery mechanism: private messages to nicks over TLS, presence by MONITOR or USERHOST
// polling, ERR_NOSUCHNICK as a final failure, long messages split and paced for flood control.
import { once } from 'node:events';
import { Client } from 'irc-framework';
import { lineBreak } from 'irc-framework/src/linebreak.js';
import { z } from 'zod';
import type { PresenceShow } from '../../shared/domain';
import type { Mechanism, MechanismContext, MechanismPlugin, OutgoingMessage, SendOutcome } from '../../shared/mechanism';
import { mechanismPlugin } from '../common/factories';
import { parseAccount, readCaFile } from '../common/account';
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
  #backoff = MIN_BACKOFF_MS;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
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
    this.#ca = await readCaFile(this.#account.caFile);
    if (this.#stopped) return; // stopped while the file was read
    this.#connect();
  }

  #connect(): void {
    const account = this.#account!;
    this.#ctx.status({ state: 'connecting' });
    const client = new Client({ auto_reconnect: false, ping_interval: 30, ping_timeout: 60, message_max_length: LINE_BYTES });
    this.#client = client;
    // Events from a client we have replaced are ignored.
    const mine =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (this.#client === client) fn(...args);
      };
    client.on('registered', mine(() => this.#onRegistered()));
    client.on('close', mine(() => this.#onClose()));
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
    this.#backoff = MIN_BACKOFF_MS;
    this.#ctx.status({ state: 'active' });
    // What the server offers (ISUPPORT) arrives after the welcome and before the end of the MOTD.
    const client = this.#client!;
    let begun = false;
    const begin = () => {
      if (begun || this.#client !== client) return;
      begun = true;
      clearTimeout(fallback);
      this.#watchPresence();
    };
    const fallback = setTimeout(begin, 5_000);
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
    for (const [token, pending] of this.#pending) {
      this.#pending.delete(token);
      pending.resolve({ ok: false, reason: 'the connection dropped', final: false });
    }
    if (this.#stopped) return;
    if (wasUp) this.#ctx.log.warn('connection dropped; reconnecting');
    this.#ctx.status({ state: 'connecting' });
    for (const nick of this.#presence.keys()) this.#presence.delete(nick);
    clearTimeout(this.#reconnectTimer);
    const delay = this.#backoff * (0.5 + Math.random() / 2);
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    this.#reconnectTimer = setTimeout(() => {
      if (this.#stopped) return;
      this.#client?.removeAllListeners();
      this.#connect();
    }, delay);
  }

  /** Paces lines: a burst, then one per interval, in order, so flood control never trips. */
  #queueLine(write: () => void): Promise<void> {
    const interval = this.#account?.lineIntervalMs ?? 500;
    this.#lines = this.#lines.then(async () => {
      const now = Date.now();
      if (now >= this.#nextLineAt + interval * BURST) this.#burst = 0; // quiet long enough: a new burst
      if (this.#burst >= BURST && now < this.#nextLineAt) await new Promise((r) => setTimeout(r, this.#nextLineAt - now));
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
    const client = this.#client;
    this.#client = undefined;
    if (client?.connected) {
      const closed = once(client, 'close').catch(() => undefined);
      client.quit('Switchboard closing');
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    }
    client?.removeAllListeners();
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
    const timeout = new Promise<SendOutcome>((resolve) =>
      setTimeout(() => resolve({ ok: false, reason: 'the server did not confirm in time', final: false }), 15_000 + lines.length * (this.#account?.lineIntervalMs ?? 500)),
    );
    const result = await Promise.race([outcome, timeout]);
    this.#pending.delete(token);
    return result;
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

// The IRC delivery mechanism: private messages to nicks over TLS, presence by MONITOR or USERHOST
// polling, ERR_NOSUCHNICK as a final failure, long messages split and paced for flood control.
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'irc-framework';
import { lineBreak } from 'irc-framework/src/linebreak.js';
import { z } from 'zod';
import type { PresenceShow } from '../../shared/domain';
import type { AccountField, Mechanism, MechanismContext, MechanismPlugin, MechanismStatus, OutgoingMessage, SendOutcome } from '../../shared/mechanism';
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

/**
 * The n-th nick to try when ours is taken (n from 1), or undefined when there are no more: '_' then
 * digits, within the 9 characters every server allows where the nick itself fits in them.
 */
export function alternativeNick(nick: string, n: number): string | undefined {
  const suffix = ['_', '1', '2', '3', '4', '5', '6', '7', '8', '9'][n - 1];
  return suffix && nick.slice(0, Math.max(9, nick.length) - suffix.length) + suffix;
}

/** RFC 1459 case mapping: nicks that differ only so are the same person. */
export function normalizeNick(nick: string): string {
  return nick.trim().toLowerCase().replace(/\[/g, '{').replace(/\]/g, '}').replace(/\\/g, '|').replace(/~/g, '^');
}

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;
/** How often a nick held by our own dropped connection is asked for back. */
const REGAIN_NICK_MS = 15_000;
const LINE_BYTES = 400; // well inside 512 with the PRIVMSG prefix the server adds
const BURST = 4;
/** How long QUIT may take before the socket is cut. */
const CLOSE_TIMEOUT_MS = 2_000;

interface Pending {
  readonly nick: string;
  readonly resolve: (outcome: SendOutcome) => void;
  /** Whether any of its lines went out: if none did, a drop certainly lost it. */
  written: boolean;
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
  /** What went wrong during the sign-in under way (SASL refused), told when its connection closes. */
  #trouble: string | undefined;
  #pings = 0;
  /** Counts connections, so that lines queued for one that dropped are not written to the next. */
  #connectionNumber = 0;
  /** Which alternative nick this sign-in tried last (0: the account's own). */
  #alternative = 0;
  #regainTimer: NodeJS.Timeout | undefined;
  readonly #pending = new Map<string, Pending>();
  /** Flood control: when the next line may go, and how many went in the current burst. */
  #nextLineAt = 0;
  #burst = 0;
  #lines: Promise<void> = Promise.resolve();
  readonly #presence = new Map<string, PresenceShow>();

  constructor(ctx: MechanismContext) {
    this.#ctx = ctx;
  }

  /** The nick signed in under (an alternative while ours is held); undefined when not connected. Read by the reconnection tests. */
  get nick(): string | undefined {
    return this.#registered ? this.#client?.user.nick : undefined;
  }

  async start(): Promise<void> {
    this.#account = parseAccount(accountSchema, this.#ctx.account, accountFields);
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
    // While it retries, the reason of the last failed try stays shown: it is what the user can act on.
    if (this.#reported?.state !== 'connecting') this.#status({ state: 'connecting' });
    this.#trouble = undefined;
    const client = new Client({ auto_reconnect: false, ping_interval: 30, ping_timeout: 60, message_max_length: LINE_BYTES });
    this.#client = client;
    // Events from a client we have replaced are ignored.
    const mine =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (this.#client === client) fn(...args);
      };
    client.on('registered', mine((e: { nick: string }) => this.#onRegistered(e.nick)));
    // irc-framework tells of a closed socket twice, 'socket close' then 'close': one drop, one
    // reconnect, so only the first is heard (it always comes, 'close' only when it will not reconnect).
    client.on('socket close', mine((error?: Error | false) => this.#onClose(error || undefined)));
    client.on('irc error', mine((e: { error: string; nick?: string; reason?: string }) => this.#onIrcError(e)));
    client.on('pong', mine((e: { message?: string }) => this.#onPong(e.message)));
    client.on('privmsg', mine((e: { nick: string; target: string; message: string }) => this.#onPrivmsg(e)));
    client.on('users online', mine((e: { nicks: string[] }) => this.#onMonitor(e.nicks, 'available')));
    client.on('users offline', mine((e: { nicks: string[] }) => this.#onMonitor(e.nicks, 'offline')));
    client.on('away', mine((e: { nick: string; self?: boolean }) => !e.self && this.#setPresence(e.nick, 'away')));
    client.on('back', mine((e: { nick: string; self?: boolean }) => !e.self && this.#setPresence(e.nick, 'available')));
    client.on('unknown command', mine((c: { command: string; params: string[] }) => c.command === '302' && this.#onUserhost(c.params.at(-1) ?? '')));
    client.on(
      'nick',
      mine((e: { nick: string; new_nick: string }) => {
        if (normalizeNick(e.new_nick) === normalizeNick(account.nick) && normalizeNick(e.nick) !== normalizeNick(account.nick)) {
          clearTimeout(this.#regainTimer);
          this.#ctx.log.info(`has its own nick ${account.nick} again`);
        }
      }),
    );
    client.on(
      'sasl failed',
      mine((e?: { reason?: string }) => {
        this.#ctx.log.warn('SASL sign-in failed');
        // A refused account or password; an unsupported mechanism or missing capability is the server's lack.
        this.#trouble = e?.reason === 'fail' || e?.reason === undefined ? 'the server refused the SASL account or password (ERR_SASLFAIL)' : `SASL sign-in is not possible on this server (${e.reason})`;
      }),
    );
    // Before sign-in this is most often our own connection that just dropped, which the server keeps
    // until its ping timeout (ngIRCd: two minutes): as IRC clients do, we sign in under an alternative
    // nick and take ours back once the server lets the old connection go (see #regainNick).
    client.on(
      'nick in use',
      mine(() => {
        if (this.#registered) return; // our attempt to take the nick back: it is still held, we try later
        const next = alternativeNick(account.nick, ++this.#alternative);
        if (!next) {
          this.#ctx.log.warn(`the nick ${account.nick} and its alternatives are in use; trying again`);
          client.quit();
          return;
        }
        this.#ctx.log.warn(`the nick ${account.nick} is in use; signing in as ${next} for now`);
        client.changeNick(next);
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
      // Without SASL settings, an empty account: irc-framework would otherwise try the server password as SASL.
      account: account.sasl ? { account: account.sasl.account, password: account.sasl.password } : {},
    });
  }

  #onRegistered(nick: string): void {
    this.#registered = true;
    this.#alternative = 0;
    this.#regainNick(nick);
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

  /** Signed in under an alternative nick: asks for ours back now and then, until the server gives it. */
  #regainNick(current: string): void {
    clearTimeout(this.#regainTimer);
    const client = this.#client;
    const own = this.#account?.nick;
    if (!client || !own || normalizeNick(current) === normalizeNick(own)) return;
    this.#regainTimer = setTimeout(() => {
      if (this.#client !== client || !this.#registered) return;
      client.changeNick(own);
      this.#regainNick(client.user.nick);
    }, REGAIN_NICK_MS);
  }

  #watchPresence(): void {
    const client = this.#client!;
    this.#monitored.clear(); // a new connection's MONITOR list starts empty
    if (client.network.supports('MONITOR')) this.#ctx.log.info('presence by MONITOR'); // the server tells at once when a nick comes or goes; USERHOST still tells away
    this.#monitor();
    this.#poll();
  }

  /** The nicks on the server's MONITOR list for this connection (normalized). */
  readonly #monitored = new Set<string>();

  /** Brings the server's MONITOR list to the contacts' nicks: the new ones added, the ones no contact has any more removed. */
  #monitor(): void {
    const client = this.#client;
    if (!client?.network.supports('MONITOR')) return;
    const wanted = new Map(this.#ctx.addresses().filter((a) => nickPattern.test(a)).map((nick) => [normalizeNick(nick), nick]));
    for (const [key, nick] of wanted) {
      if (this.#monitored.has(key)) continue;
      client.addMonitor(nick);
      this.#monitored.add(key);
    }
    for (const key of [...this.#monitored]) {
      if (wanted.has(key)) continue;
      client.removeMonitor(key);
      this.#monitored.delete(key);
      this.#presence.delete(key);
    }
  }

  addressesChanged(): void {
    if (!this.#client || !this.#registered) return; // the next sign-in watches them anyway
    this.#monitor();
    this.#poll(); // now, not at the next round: USERHOST tells online and away
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

  /** `error`: why the socket closed, when it closed on an error (a name not found, a refused port, a certificate). */
  #onClose(error?: Error): void {
    const wasUp = this.#registered;
    this.#registered = false;
    this.#asked.length = 0; // questions on a closed connection get no answer
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#motdTimer);
    clearTimeout(this.#regainTimer);
    this.#alternative = 0;
    // Lines still queued are for the connection that dropped: they never go (see #queueLine).
    this.#connectionNumber++;
    this.#lines = Promise.resolve();
    this.#burst = 0;
    this.#nextLineAt = 0;
    this.#failPending('the connection dropped before the server confirmed the message');
    if (this.#stopped) return;
    if (wasUp) this.#ctx.log.warn('connection dropped; reconnecting');
    const code = (error as { code?: string } | undefined)?.code;
    const reason = wasUp ? undefined : (this.#trouble ?? (error && (code && !error.message.includes(code) ? `${error.message} (${code})` : error.message)));
    if (reason && !wasUp) this.#ctx.log.warn(`cannot sign in (${reason}); retrying`);
    // A try that failed without saying why leaves the last reason shown.
    if (wasUp || reason || this.#reported?.state !== 'connecting') this.#status(reason ? { state: 'connecting', reason } : { state: 'connecting' });
    for (const nick of this.#presence.keys()) this.#presence.delete(nick);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      if (this.#stopped) return;
      this.#client?.removeAllListeners();
      this.#connect();
    }, this.#backoff.next());
  }

  /** Ends every send under way; one whose lines went out may have reached the server all the same. */
  #failPending(reason: string): void {
    for (const [token, pending] of this.#pending) {
      this.#pending.delete(token);
      pending.resolve({ ok: false, reason, final: false, ...(pending.written && { maybeSent: true }) });
    }
  }

  /**
   * Paces lines: a burst, then one per interval, in order, so flood control never trips. A line queued
   * for a connection that has dropped since is not written: its send has failed already.
   */
  #queueLine(write: () => void): Promise<void> {
    const interval = this.#account?.lineIntervalMs ?? 500;
    const pacing = this.#pacing.signal;
    const connection = this.#connectionNumber;
    this.#lines = this.#lines.then(async () => {
      if (connection !== this.#connectionNumber) return;
      const now = Date.now();
      if (now >= this.#nextLineAt + interval * BURST) this.#burst = 0; // quiet long enough: a new burst
      if (this.#burst >= BURST && now < this.#nextLineAt) await delay(this.#nextLineAt - now, undefined, { signal: pacing }).catch(() => undefined);
      if (pacing.aborted || connection !== this.#connectionNumber) return; // stopped or dropped meanwhile: not sent
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
    clearTimeout(this.#regainTimer);
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
    let pending!: Pending;
    const outcome = new Promise<SendOutcome>((resolve) => (pending = { nick: normalizeNick(nick), resolve, written: false }));
    this.#pending.set(token, pending);
    for (const line of lines) void this.#queueLine(() => (client.raw('PRIVMSG', nick, line), (pending.written = true)));
    // The server answers in order: a 401 for this nick before our PONG means nobody received it. The
    // wait for the PONG starts when the PING has gone: a long queue is not the server's slowness.
    const pinged = this.#queueLine(() => client.raw('PING', token));
    const result = await Promise.race([outcome, pinged.then(() => within(outcome, 15_000))]);
    this.#pending.delete(token);
    if (result) return message.resend && result.ok ? { ...result, note: 'possibly-duplicated' } : result;
    return { ok: false, reason: 'the server did not confirm in time', final: false, maybeSent: true };
  }
}

/** The account form's fields; their labels also name the fields in what is wrong with an account. */
const accountFields: readonly AccountField[] = [
  { key: 'server', label: 'Server name', kind: 'text', required: true, bindsSecrets: true },
  { key: 'host', label: 'Address to dial', kind: 'text', required: false, bindsSecrets: true },
  { key: 'port', label: 'TLS port', kind: 'number', required: false, bindsSecrets: true },
  { key: 'nick', label: 'Nick', kind: 'text', required: true },
  { key: 'password', label: 'Server password', kind: 'secret', required: false },
  { key: 'sasl.account', label: 'SASL account', kind: 'text', required: false, bindsSecrets: true },
  { key: 'sasl.password', label: 'SASL password', kind: 'secret', required: false },
  { key: 'caFile', label: 'CA certificate file', kind: 'text', required: false, bindsSecrets: true, file: true },
];

export default function irc(): MechanismPlugin {
  return mechanismPlugin({
    manifest,
    accountSchema,
    capabilities: { presence: true, receipts: false },
    normalizeAddress: normalizeNick,
    accountFields,
    create: (ctx) => new IrcMechanism(ctx),
  });
}

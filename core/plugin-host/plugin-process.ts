// The process a user's plugin runs in, whatever its kind (a delivery manager, a mechanism): started
// under Node's permission model so that it reads only its own folder and the sandbox's scripts and
// starts no process or thread, with its heap capped; loaded within a deadline; pinged by a watchdog
// that ends it when it stops answering (a busy loop cannot answer). What it sends is untrusted: every
// message is validated with the kind's schema before anyone acts on it, and anything else is dropped.
import fs from 'node:fs';
import { z } from 'zod';
import type { Logger } from '../../shared/mechanism';
import { forkStarter, type PluginChild, type ProcessStarter } from './process-starter';

/** What a sandboxed plugin of any kind is started with. */
export interface SandboxedPluginOptions {
  /** Its manifest's name and displayName. */
  readonly id: string;
  readonly displayName: string;
  /** The plugin's folder (the only one of the user's it may read) and its entry module inside it. */
  readonly folder: string;
  readonly entry: string;
  readonly log: Logger;
  /** How long the plugin may go without answering a ping, or take to load (default 10 s). */
  readonly deadlineMs?: number;
  /** Its heap limit (default 128 MB). */
  readonly memoryMb?: number;
  /** Starts the process (default: a Node child by fork()). */
  readonly starter?: ProcessStarter;
}

export interface PluginProcessOptions extends SandboxedPluginOptions {
  /** Names the plugin in log lines ('delivery manager plugin "x"'). */
  readonly label: string;
  /** The sandbox script of its kind, in ./sandbox/ ("delivery-manager.mjs"). */
  readonly script: string;
}

/** The sandbox scripts: beside this module in the sources, in sandbox/ beside the bundle once built. */
const sandboxFile = (name: string) => fs.realpathSync(new URL(`./sandbox/${name}`, import.meta.url));
/** What every sandbox script imports. */
const CHANNEL = 'channel.mjs';

/** Node 20 and early 22 call the permission model experimental; later ones stable, under a new flag. */
function permissionFlag(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
}

const text = z.string().max(2_000);
/** The messages every sandbox sends, whatever its kind. */
const common = z.discriminatedUnion('t', [
  z.object({ t: z.literal('pong'), n: z.number() }),
  z.object({ t: z.literal('loaded'), info: z.unknown() }),
  z.object({ t: z.literal('load-failed'), error: text }),
  z.object({ t: z.literal('log'), level: z.enum(['info', 'warn', 'error']), text }),
]);
const commonTypes = new Set(['pong', 'loaded', 'load-failed', 'log']);

export class PluginProcess<M> {
  readonly #o: PluginProcessOptions;
  readonly deadlineMs: number;
  readonly pingEveryMs: number;
  readonly #child: PluginChild;
  readonly #schema: z.ZodType<M>;
  readonly #onMessage: (message: M) => void;
  readonly #endListeners: ((reason: string, asked: boolean) => void)[] = [];
  #ping: NodeJS.Timeout | undefined;
  #lastPong = Date.now();
  #pings = 0;
  #stopping = false;
  /** Set once a newer version took over: whether the work it still holds is done. */
  #retiring: (() => boolean) | undefined;
  #drained: (() => void) | undefined;
  #loading: { resolve: (info: unknown) => void; reject: (error: Error) => void } | undefined;
  #exited: string | undefined;
  /** Set before the process is ended for a reason of ours (it stopped answering), so that its end says so. */
  #why: string | undefined;

  /** Starts the process; `schema` validates the messages of its kind, given to `onMessage`. */
  constructor(options: PluginProcessOptions, schema: z.ZodType<M>, onMessage: (message: M) => void) {
    this.#o = options;
    this.#schema = schema;
    this.#onMessage = onMessage;
    this.deadlineMs = options.deadlineMs ?? 10_000;
    this.pingEveryMs = Math.max(50, this.deadlineMs / 5);
    const folder = fs.realpathSync(options.folder);
    this.#child = (options.starter ?? forkStarter)({
      script: sandboxFile(options.script),
      execArgv: [
        permissionFlag(),
        `--allow-fs-read=${sandboxFile(options.script)}`,
        `--allow-fs-read=${sandboxFile(CHANNEL)}`,
        `--allow-fs-read=${folder}/`,
        `--max-old-space-size=${options.memoryMb ?? 128}`,
        '--disable-warning=ExperimentalWarning',
      ],
      name: options.label,
    });
    this.#child.onMessage((raw) => this.#receive(raw));
    this.#child.onExit((why) => this.#gone(this.#why ?? why));
  }

  /** Loads the plugin's entry; resolves with what it says of itself, rejects with why it cannot. */
  load(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.kill(`it did not finish loading within ${this.deadlineMs / 1000} s`), this.deadlineMs);
      this.#loading = {
        resolve: (info) => (clearTimeout(timer), resolve(info)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      this.send({ t: 'load', entry: this.#o.entry });
    }).then((info) => (this.#watch(), info));
  }

  /** Called once when the process ends: with `asked` when stop() ended it, otherwise it crashed or was ended by the watchdog. */
  onEnd(listener: (reason: string, asked: boolean) => void): void {
    this.#endListeners.push(listener);
  }

  get running(): boolean {
    return this.#exited === undefined;
  }

  /** Why it ended, once it has. */
  get exitReason(): string | undefined {
    return this.#exited;
  }

  /** Whether it answered a ping lately: one that does not is stuck, not merely slow. */
  get answering(): boolean {
    return Date.now() - this.#lastPong <= this.pingEveryMs * 2;
  }

  send(message: unknown): void {
    if (!this.#child.exited) this.#child.send(message);
  }

  /** Ends the process at once, for a reason of ours. */
  kill(why: string): void {
    this.#why ??= why;
    this.#child.kill();
  }

  /**
   * A newer version took over: new work already goes to it, and this process ends once `idle()` holds
   * (checked at each settled()), or after a minute.
   */
  async retire(idle: () => boolean): Promise<void> {
    this.#retiring = idle;
    if (!idle()) {
      await new Promise<void>((resolve) => {
        const cap = setTimeout(resolve, 60_000);
        this.#drained = () => (clearTimeout(cap), resolve());
      });
    }
    return this.stop();
  }

  /** Some of its work ended: a retiring process with none left ends. */
  settled(): void {
    if (this.#retiring?.()) this.#drained?.();
  }

  /** Ends the process and waits until it has. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#exited !== undefined) return;
    const ended = new Promise<void>((resolve) => this.#endListeners.push(() => resolve()));
    this.#child.kill();
    await ended;
  }

  log(level: 'info' | 'warn' | 'error', line: string): void {
    this.#o.log[level](`${this.#o.label}: ${line}`);
  }

  /** Pings the process; one that has not answered within the deadline is ended. */
  #watch(): void {
    this.#ping = setInterval(() => {
      if (Date.now() - this.#lastPong > this.deadlineMs) return this.kill(`it stopped responding (no answer within ${this.deadlineMs / 1000} s)`);
      this.send({ t: 'ping', n: ++this.#pings });
    }, this.pingEveryMs);
    this.#ping.unref();
  }

  #receive(raw: unknown): void {
    const type = raw && typeof raw === 'object' ? (raw as { t?: unknown }).t : undefined;
    if (typeof type === 'string' && commonTypes.has(type)) {
      const parsed = common.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.t === 'pong') this.#lastPong = Date.now();
      else if (message.t === 'log') this.log(message.level, message.text);
      else if (message.t === 'loaded') this.#loading?.resolve(message.info);
      else this.#loading?.reject(new Error(message.error));
      if (message.t === 'loaded' || message.t === 'load-failed') this.#loading = undefined;
      return;
    }
    const parsed = this.#schema.safeParse(raw);
    if (parsed.success) this.#onMessage(parsed.data);
  }

  #gone(reason: string): void {
    clearInterval(this.#ping);
    this.#exited ??= reason;
    this.#loading?.reject(new Error(this.#why ?? 'its process ended while loading'));
    this.#loading = undefined;
    this.#drained?.(); // a retiring process that ended on its own holds nothing more
    for (const listener of this.#endListeners) listener(this.#exited, this.#stopping);
  }
}

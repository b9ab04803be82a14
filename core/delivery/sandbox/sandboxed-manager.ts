// A user's delivery-manager plugin, run in a process of its own (delivery-manager-sandbox.mjs) so
// that it cannot stop the app nor read what is not its own: Node's permission model lets it read
// only its folder, start no process or thread; its sockets are closed before it loads; its heap is
// capped. The core talks to it over the IPC channel with the DeliveryJob API, and a watchdog ends
// it when it stops answering (a busy loop) and fails a job it leaves idle (a promise that never
// settles): the delivery service then hands the message to the built-in manager at once.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AttemptResult, DeliveryJob, DeliveryManagerPlugin, DeliveryResult, DeliveryStep } from '../../../shared/delivery';
import type { Logger } from '../../../shared/mechanism';
import { fromSandbox, snapshotOf, type FromSandbox, type ToSandbox } from './protocol';

/** Why a sandboxed manager gave up a job; the delivery service falls back when it sees one. */
export class ManagerStoppedError extends Error {
  override readonly name = 'ManagerStoppedError';
}

export interface SandboxOptions {
  readonly id: string;
  readonly displayName: string;
  /** The plugin's folder (the only one it may read) and its entry module inside it. */
  readonly folder: string;
  readonly entry: string;
  readonly log: Logger;
  /** How long the plugin may go without answering a ping, or leave a job idle (default 10 s). */
  readonly deadlineMs?: number;
  /** Its heap limit (default 128 MB). */
  readonly memoryMb?: number;
}

/** The sandbox's own script: beside this module in the sources, beside the bundle once built. */
const SANDBOX_SCRIPT = new URL('./delivery-manager-sandbox.mjs', import.meta.url);

/** Node 20 and early 22 call the permission model experimental; later ones stable, under a new flag. */
function permissionFlag(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
}

interface Pending {
  readonly job: DeliveryJob;
  readonly resolve: (result: DeliveryResult) => void;
  readonly reject: (error: Error) => void;
  /** Calls of the plugin the core is still answering (an attempt, a question): the plugin waits on us then. */
  busy: number;
  idle: NodeJS.Timeout | undefined;
  /** Mechanisms an attempt succeeded on: a "delivered" anywhere else is not believed. */
  readonly succeeded: Set<string>;
}

export class SandboxedDeliveryManager {
  readonly #o: SandboxOptions;
  readonly #deadlineMs: number;
  readonly #pingEvery: number;
  readonly #child: ChildProcess;
  readonly #jobs = new Map<string, Pending>();
  readonly #exitListeners: ((reason: string) => void)[] = [];
  #ping: NodeJS.Timeout | undefined;
  #lastPong = Date.now();
  #pings = 0;
  #stopping = false;
  #retiring = false;
  #drained: (() => void) | undefined;
  #exited: string | undefined;

  private constructor(options: SandboxOptions) {
    this.#o = options;
    this.#deadlineMs = options.deadlineMs ?? 10_000;
    this.#pingEvery = Math.max(50, this.#deadlineMs / 5);
    const script = fs.realpathSync(SANDBOX_SCRIPT);
    const folder = fs.realpathSync(options.folder);
    this.#child = fork(script, [], {
      execArgv: [
        permissionFlag(),
        `--allow-fs-read=${script}`,
        `--allow-fs-read=${folder}/`,
        `--max-old-space-size=${options.memoryMb ?? 128}`,
        '--disable-warning=ExperimentalWarning',
      ],
      // Nothing of the core's environment (a token, a proxy password) goes to the plugin.
      env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    });
    this.#child.on('message', (raw) => {
      const parsed = fromSandbox.safeParse(raw);
      if (parsed.success) this.#receive(parsed.data);
    });
    this.#child.on('error', (error) => this.#log('warn', `its process: ${error.message}`));
    this.#child.on('exit', (code, signal) => this.#gone(this.#exited ?? (signal ? `its process was ended (${signal})` : `its process exited (code ${code})`)));
  }

  /** Starts the plugin's process and loads the plugin; rejects with the reason when it cannot. */
  static async start(options: SandboxOptions): Promise<SandboxedDeliveryManager> {
    const manager = new SandboxedDeliveryManager(options);
    try {
      await manager.#load();
    } catch (error) {
      await manager.stop();
      throw error;
    }
    manager.#watch();
    return manager;
  }

  /** The plugin as the delivery manager store holds it. */
  plugin(): DeliveryManagerPlugin {
    return { kind: 'delivery-manager', id: this.#o.id, displayName: this.#o.displayName, create: () => ({ deliver: (job) => this.#deliver(job) }) };
  }

  /** Called once when the process ends other than by stop(): it crashed, was killed, or stopped answering. */
  onExit(listener: (reason: string) => void): void {
    this.#exitListeners.push(listener);
  }

  get running(): boolean {
    return this.#exited === undefined;
  }

  /**
   * A newer version took over: this one finishes the messages it holds (within a minute), then ends.
   * New messages already go to the newer one.
   */
  async retire(): Promise<void> {
    this.#retiring = true;
    if (this.#jobs.size === 0) return this.stop();
    await new Promise<void>((resolve) => {
      const cap = setTimeout(resolve, 60_000);
      this.#drained = () => (clearTimeout(cap), resolve());
    });
    return this.stop();
  }

  /** Ends the process; its jobs fail over to the built-in manager. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.kill('SIGKILL');
    await exited;
  }

  #load(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#exited = `it did not finish loading within ${this.#deadlineMs / 1000} s`;
        this.#child.kill('SIGKILL');
      }, this.#deadlineMs);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.#child.off('message', onMessage);
        this.#child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      const onMessage = (raw: unknown) => {
        const parsed = fromSandbox.safeParse(raw);
        if (parsed.success && parsed.data.t === 'loaded') settle();
        if (parsed.success && parsed.data.t === 'load-failed') settle(new Error(parsed.data.error));
      };
      const onExit = () => settle(new Error(this.#exited ?? 'its process ended while loading'));
      this.#child.on('message', onMessage);
      this.#child.on('exit', onExit);
      this.#send({ t: 'load', entry: this.#o.entry });
    });
  }

  /** Pings the process; one that has not answered within the deadline is ended (a busy loop cannot answer). */
  #watch(): void {
    this.#ping = setInterval(
      () => {
        if (Date.now() - this.#lastPong > this.#deadlineMs) return this.#unresponsive();
        this.#send({ t: 'ping', n: ++this.#pings });
      },
      this.#pingEvery,
    );
    this.#ping.unref();
  }

  #unresponsive(): void {
    this.#exited ??= `it stopped responding (no answer within ${this.#deadlineMs / 1000} s)`;
    this.#child.kill('SIGKILL');
  }

  async #deliver(job: DeliveryJob): Promise<DeliveryResult> {
    if (!this.running) throw new ManagerStoppedError(`the delivery manager "${this.#o.displayName}" is not running: ${this.#exited}`);
    const id = randomUUID();
    return new Promise<DeliveryResult>((resolve, reject) => {
      const pending: Pending = { job, resolve, reject, busy: 0, idle: undefined, succeeded: new Set() };
      this.#jobs.set(id, pending);
      this.#armIdle(id, pending);
      this.#send({ t: 'deliver', job: id, request: { message: job.message, configuration: job.configuration, snapshot: snapshotOf(job) } });
    });
  }

  /** A job the plugin leaves without a call for the deadline (while the core owes it no answer) is failed. */
  #armIdle(id: string, pending: Pending): void {
    clearTimeout(pending.idle);
    if (pending.busy > 0) return void (pending.idle = undefined);
    pending.idle = setTimeout(() => {
      // A process that answers no ping either is not idle but stuck: it is ended, and that fails all it holds.
      if (Date.now() - this.#lastPong > this.#pingEvery * 2) return this.#unresponsive();
      this.#end(id, new ManagerStoppedError(`the delivery manager "${this.#o.displayName}" did nothing with the message for ${this.#deadlineMs / 1000} s`));
    }, this.#deadlineMs);
  }

  #end(id: string, outcome: DeliveryResult | Error): void {
    const pending = this.#jobs.get(id);
    if (!pending) return;
    this.#jobs.delete(id);
    clearTimeout(pending.idle);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
    if (this.#retiring && this.#jobs.size === 0) this.#drained?.();
  }

  /** The configuration's own step for what the plugin sent: it may choose among the steps, never make one up. */
  #step(pending: Pending, sent: unknown): DeliveryStep | undefined {
    const mechanism = sent && typeof sent === 'object' ? (sent as { mechanism?: unknown }).mechanism : undefined;
    return pending.job.configuration.steps.find((s) => s.mechanism === mechanism);
  }

  #receive(message: FromSandbox): void {
    switch (message.t) {
      case 'pong':
        this.#lastPong = Date.now();
        return;
      case 'log':
        return this.#log(message.level, message.text);
      case 'skip': {
        const pending = this.#jobs.get(message.job);
        const step = pending && this.#step(pending, message.step);
        if (pending && step) pending.job.skip(step, message.why);
        return;
      }
      case 'call':
        return this.#call(message);
      case 'done': {
        const pending = this.#jobs.get(message.job);
        if (!pending) return;
        const { result } = message;
        // "Delivered" is believed only where an attempt of this job succeeded.
        if (result.outcome === 'delivered' && !pending.succeeded.has(result.mechanism)) {
          this.#log('warn', `said a message was delivered on "${result.mechanism}", where none of its attempts succeeded; taken as failed`);
          return this.#end(message.job, { outcome: 'failed', tried: pending.succeeded.size });
        }
        return this.#end(message.job, result);
      }
      case 'error':
        return this.#end(message.job, new Error(`the delivery manager "${this.#o.displayName}" failed: ${message.error}`));
      default:
        return;
    }
  }

  #call(message: Extract<FromSandbox, { t: 'call' }>): void {
    const pending = this.#jobs.get(message.job);
    if (!pending) return;
    let work: Promise<unknown>;
    if (message.method === 'ask') work = pending.job.ask();
    else {
      const step = this.#step(pending, message.arg);
      work = step
        ? pending.job.attempt(step).then((result: AttemptResult) => {
            if (result.ok) pending.succeeded.add(step.mechanism);
            return result;
          })
        : Promise.resolve<AttemptResult>({ ok: false, reason: 'that step is not in the configuration', final: true });
    }
    pending.busy++;
    this.#armIdle(message.job, pending);
    void work.then((value) => {
      pending.busy--;
      if (!this.#jobs.has(message.job)) return;
      this.#armIdle(message.job, pending);
      this.#send({ t: 'answer', job: message.job, call: message.call, value, snapshot: snapshotOf(pending.job) });
    });
  }

  #gone(reason: string): void {
    clearInterval(this.#ping);
    this.#exited ??= reason;
    for (const id of [...this.#jobs.keys()]) this.#end(id, new ManagerStoppedError(`the delivery manager "${this.#o.displayName}" stopped: ${this.#exited}`));
    if (!this.#stopping) for (const listener of this.#exitListeners) listener(this.#exited);
  }

  #send(message: ToSandbox): void {
    if (!this.#child.connected) return;
    this.#child.send(message, (error) => error && this.#log('warn', `could not be reached: ${error.message}`));
  }

  #log(level: 'info' | 'warn' | 'error', text: string): void {
    this.#o.log[level](`delivery manager plugin "${this.#o.id}": ${text}`);
  }
}

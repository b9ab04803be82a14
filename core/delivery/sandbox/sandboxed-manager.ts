// A user's delivery-manager plugin, run in a process of its own (core/plugin-host/plugin-process.ts,
// with core/plugin-host/sandbox/delivery-manager.mjs) so that it cannot stop the app nor read what is
// not its own; its sockets are closed before it loads. The core talks to it over the channel with the
// DeliveryJob API; the process's watchdog ends it when it stops answering (a busy loop), and a job it
// leaves idle (a promise that never settles) is failed: the delivery service then hands the message
// to the built-in manager at once.
import { randomUUID } from 'node:crypto';
import type { AttemptResult, DeliveryJob, DeliveryManagerPlugin, DeliveryResult, DeliveryStep } from '../../../shared/delivery';
import { PluginProcess, type SandboxedPluginOptions } from '../../plugin-host/plugin-process';
import { fromSandbox, snapshotOf, type FromSandbox, type ToSandbox } from './protocol';

/** Why a sandboxed manager gave up a job; the delivery service falls back when it sees one. */
export class ManagerStoppedError extends Error {
  override readonly name = 'ManagerStoppedError';
}

/** Its deadline (default 10 s) is also how long it may leave a job idle. */
export type SandboxOptions = SandboxedPluginOptions;

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
  readonly #process: PluginProcess<FromSandbox>;
  readonly #jobs = new Map<string, Pending>();
  readonly #exitListeners: ((reason: string) => void)[] = [];

  private constructor(options: SandboxOptions) {
    this.#o = options;
    this.#process = new PluginProcess({ ...options, label: `delivery manager plugin "${options.id}"`, script: 'delivery-manager.mjs' }, fromSandbox, (message) =>
      this.#receive(message),
    );
    this.#process.onEnd((reason, asked) => this.#gone(reason, asked));
  }

  /** Starts the plugin's process and loads the plugin; rejects with the reason when it cannot. */
  static async start(options: SandboxOptions): Promise<SandboxedDeliveryManager> {
    const manager = new SandboxedDeliveryManager(options);
    try {
      await manager.#process.load();
    } catch (error) {
      await manager.stop();
      throw error;
    }
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
    return this.#process.running;
  }

  /**
   * A newer version took over: this one finishes the messages it holds (within a minute), then ends.
   * New messages already go to the newer one.
   */
  retire(): Promise<void> {
    return this.#process.retire(() => this.#jobs.size === 0);
  }

  /** Ends the process; its jobs fail over to the built-in manager. */
  stop(): Promise<void> {
    return this.#process.stop();
  }

  async #deliver(job: DeliveryJob): Promise<DeliveryResult> {
    if (!this.running) throw new ManagerStoppedError(`the delivery manager "${this.#o.displayName}" is not running: ${this.#process.exitReason}`);
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
    const deadlineMs = this.#process.deadlineMs;
    pending.idle = setTimeout(() => {
      // A process that answers no ping either is not idle but stuck: it is ended, and that fails all it holds.
      if (!this.#process.answering) return this.#process.kill(`it stopped responding (no answer within ${deadlineMs / 1000} s)`);
      this.#end(id, new ManagerStoppedError(`the delivery manager "${this.#o.displayName}" did nothing with the message for ${deadlineMs / 1000} s`));
    }, deadlineMs);
  }

  #end(id: string, outcome: DeliveryResult | Error): void {
    const pending = this.#jobs.get(id);
    if (!pending) return;
    this.#jobs.delete(id);
    clearTimeout(pending.idle);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
    this.#process.settled();
  }

  /** The configuration's own step for what the plugin sent: it may choose among the steps, never make one up. */
  #step(pending: Pending, sent: unknown): DeliveryStep | undefined {
    const mechanism = sent && typeof sent === 'object' ? (sent as { mechanism?: unknown }).mechanism : undefined;
    return pending.job.configuration.steps.find((s) => s.mechanism === mechanism);
  }

  #receive(message: FromSandbox): void {
    switch (message.t) {
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
          this.#process.log('warn', `said a message was delivered on "${result.mechanism}", where none of its attempts succeeded; taken as failed`);
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

  #gone(reason: string, asked: boolean): void {
    for (const id of [...this.#jobs.keys()]) this.#end(id, new ManagerStoppedError(`the delivery manager "${this.#o.displayName}" stopped: ${reason}`));
    if (!asked) for (const listener of this.#exitListeners) listener(reason);
  }

  #send(message: ToSandbox): void {
    this.#process.send(message);
  }
}

// A user's mechanism plugin, run in a process of its own (core/plugin-host/plugin-process.ts, with
// core/plugin-host/sandbox/mechanism.mjs): it may use the network, as a mechanism must, but reads only its
// own folder, never the settings file, the database or other plugins. One process serves every account
// of the plugin. The core holds it as a MechanismPlugin like the built-in ones: each call over the
// channel (validate, start, stop, send) has a deadline, what comes back is validated, and when the
// process ends (a crash, the watchdog, its folder removed) its accounts become inactive with the reason.
import { randomUUID } from 'node:crypto';
import type { Mechanism, MechanismContext, MechanismPlugin, SendOutcome } from '../../../shared/mechanism';
import { describeIssues } from '../../../shared/settings';
import { PluginProcess, type SandboxedPluginOptions } from '../../plugin-host/plugin-process';
import { accountProblems, fromMechanismSandbox, mechanismInfo, sendOutcome, type FromMechanismSandbox, type MechanismInfo, type ToMechanismSandbox } from './protocol';

export interface MechanismSandboxOptions extends SandboxedPluginOptions {
  /** How long a call (start, stop, send, validate) may take before it has failed (default 30 s). */
  readonly callMs?: number;
}

type Call = ToMechanismSandbox extends infer T ? (T extends { t: 'call' } ? Omit<T, 't' | 'call'> : never) : never;

interface PendingCall {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class SandboxedMechanismPlugin {
  readonly #o: MechanismSandboxOptions;
  readonly #process: PluginProcess<FromMechanismSandbox>;
  readonly #calls = new Map<number, PendingCall>();
  /** The accounts' mechanisms started in the process, by instance id. */
  readonly #instances = new Map<string, MechanismContext>();
  readonly #exitListeners: ((reason: string) => void)[] = [];
  #info: MechanismInfo | undefined;
  #nextCall = 0;

  private constructor(options: MechanismSandboxOptions) {
    this.#o = options;
    this.#process = new PluginProcess({ ...options, label: `mechanism plugin "${options.id}"`, script: 'mechanism.mjs' }, fromMechanismSandbox, (message) => this.#receive(message));
    this.#process.onEnd((reason, asked) => this.#gone(reason, asked));
  }

  /** Starts the plugin's process and loads the plugin; rejects with the reason when it cannot. */
  static async start(options: MechanismSandboxOptions): Promise<SandboxedMechanismPlugin> {
    const sandbox = new SandboxedMechanismPlugin(options);
    try {
      const said = mechanismInfo.safeParse(await sandbox.#process.load());
      if (!said.success) throw new Error(`what it says of itself cannot be used: ${describeIssues(said.error)}`);
      sandbox.#info = said.data;
    } catch (error) {
      await sandbox.stop();
      throw error;
    }
    return sandbox;
  }

  /** The plugin as the account kinds hold it, the same shape as a built-in mechanism's. */
  plugin(): MechanismPlugin {
    const info = this.#info!;
    return {
      kind: 'mechanism',
      id: this.#o.id,
      displayName: this.#o.displayName,
      capabilities: info.capabilities,
      accountFields: info.accountFields.map((f) => ({ ...f })),
      normalizeAddress: (address) => (info.caseInsensitiveAddresses ? address.trim().toLowerCase() : address.trim()),
      // The fields' presence and kinds are checked from the form; the plugin's own checks need a call.
      validateAccount: () => [],
      checkAccountFiles: async (account) => {
        try {
          const problems = accountProblems.safeParse(await this.#call({ method: 'validate', account }));
          return problems.success ? problems.data : ['the plugin answered something that is not a list of problems'];
        } catch (error) {
          return [(error as Error).message];
        }
      },
      create: (context) => this.#mechanism(context),
    };
  }

  /** Called once when the process ends other than by stop() or retire(): it crashed, or stopped answering. */
  onExit(listener: (reason: string) => void): void {
    this.#exitListeners.push(listener);
  }

  /** Its accounts are inactive from now on, for this reason (its folder was removed, it was turned off). */
  end(why: string): void {
    for (const [id, context] of this.#instances) {
      this.#instances.delete(id);
      context.status({ state: 'inactive', reason: why });
    }
  }

  /** A newer version took over: this one finishes the calls under way (within a minute), then ends. */
  async retire(): Promise<void> {
    // Its accounts are being moved to the newer version: their stop calls come after this turn.
    await new Promise((resolve) => setImmediate(resolve));
    return this.#process.retire(() => this.#calls.size === 0 && this.#instances.size === 0);
  }

  stop(): Promise<void> {
    return this.#process.stop();
  }

  #mechanism(context: MechanismContext): Mechanism {
    const instance = randomUUID();
    return {
      start: async () => {
        this.#instances.set(instance, context);
        await this.#call({
          method: 'start',
          instance,
          account: context.account,
          addresses: context.addresses(),
          lastServerId: context.lastServerId() ?? null,
        });
      },
      stop: async () => {
        if (!this.#instances.delete(instance) || !this.#process.running) return this.#process.settled();
        await this.#call({ method: 'stop', instance }).catch(() => undefined);
      },
      send: async (address, message): Promise<SendOutcome> => {
        const answer = sendOutcome.safeParse(await this.#call({ method: 'send', instance, address, message }));
        return answer.success ? answer.data : { ok: false, reason: `the ${this.#o.displayName} plugin answered something that is not an outcome`, final: false };
      },
      addressesChanged: () => this.#process.send({ t: 'addresses', instance, addresses: context.addresses() } satisfies ToMechanismSandbox),
    };
  }

  /** One call into the process; fails when the deadline passes or the process ends first. */
  #call(call: Call): Promise<unknown> {
    if (!this.#process.running) return Promise.reject(new Error(`the ${this.#o.displayName} plugin is not running: ${this.#process.exitReason}`));
    const n = ++this.#nextCall;
    const ms = this.#o.callMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#settle(n, new Error(`the ${this.#o.displayName} plugin did not answer within ${ms / 1000} s`)), ms);
      this.#calls.set(n, { resolve, reject, timer });
      this.#process.send({ t: 'call', call: n, ...call } as ToMechanismSandbox);
    });
  }

  #settle(n: number, outcome: { value: unknown } | Error): void {
    const pending = this.#calls.get(n);
    if (!pending) return;
    this.#calls.delete(n);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome.value);
    this.#process.settled();
  }

  #receive(message: FromMechanismSandbox): void {
    if (message.t === 'result') return this.#settle(message.call, message.ok ? { value: message.value } : new Error(message.error ?? 'it failed'));
    const context = this.#instances.get(message.instance);
    if (!context) return; // an account stopped meanwhile, or one it made up
    switch (message.t) {
      case 'status':
        return context.status(message.status);
      case 'presence':
        return context.presence(message.address, message.show, message.status);
      case 'incoming':
        return context.incoming(message.message);
      case 'suggest':
        return context.suggest(message.person);
      case 'receipt':
        return context.receipt(message.messageId, message.level);
      case 'caughtUpTo':
        return context.caughtUpTo?.(message.serverId);
      default:
        return;
    }
  }

  #gone(reason: string, asked: boolean): void {
    for (const n of [...this.#calls.keys()]) this.#settle(n, new Error(`the ${this.#o.displayName} plugin stopped: ${reason}`));
    if (asked) return;
    this.end(`its plugin stopped: ${reason}`);
    for (const listener of this.#exitListeners) listener(reason);
  }
}

// The mechanism registry: the running mechanisms, their status, and the only door to them. A plugin
// that throws or hangs is contained here: it is marked inactive with a reason and the core goes on.
import { EventEmitter } from 'node:events';
import type { MechanismId, MechanismView, PresenceShow } from '../../shared/domain';
import type { IncomingMessage, Logger, Mechanism, MechanismPlugin, MechanismStatus, OutgoingMessage, SendOutcome } from '../../shared/mechanism';
import { activityOf, reasonOf } from '../../shared/mechanism';
import { onAbort } from '../abort';
import { plainReason } from './plain-reason';

export interface RegistryHooks {
  status(mechanism: MechanismId, status: MechanismStatus): void;
  presence(mechanism: MechanismId, address: string, show: PresenceShow, status?: string): void;
  incoming(mechanism: MechanismId, message: IncomingMessage): void;
  receipt(mechanism: MechanismId, messageId: string, level: 'delivered' | 'read'): void;
  suggest(mechanism: MechanismId, person: { address: string; name?: string }): void;
  lastServerId(mechanism: MechanismId): string | undefined;
  /** The mechanism has read its server's archive up to this id (see MechanismContext.caughtUpTo). */
  caughtUpTo?(mechanism: MechanismId, serverId: string): void;
  /** The user read, on another device, what an address wrote up to the message the mechanism named `ref`. */
  readElsewhere?(mechanism: MechanismId, address: string, ref: string): void;
}

interface Running {
  readonly id: MechanismId;
  readonly plugin: MechanismPlugin;
  readonly instance: Mechanism;
  status: MechanismStatus;
  /** When a change of its status was last told, and the telling of an activity's change held back till later. */
  toldAt: number;
  held?: NodeJS.Timeout;
}

/**
 * A change of what an active mechanism says it is doing (a catch-up counting its pages) is told at
 * most this often: each telling lists every account to the window again.
 */
export const ACTIVITY_EVERY_MS = 300;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class MechanismRegistry {
  readonly #running = new Map<MechanismId, Running>();
  /**
   * Every change of any mechanism's status. Each message waiting for its mechanisms to settle listens
   * here until that wait ends (and removes itself then), so the count follows the outbox, not time:
   * after a restart with a full outbox it is in the hundreds, which is no leak.
   */
  readonly #changes = new EventEmitter().setMaxListeners(0);
  readonly #hooks: RegistryHooks;
  readonly #log: Logger;
  readonly sendTimeoutMs: number;

  constructor(hooks: RegistryHooks, log: Logger, sendTimeoutMs = 30_000) {
    this.#hooks = hooks;
    this.#log = log;
    this.sendTimeoutMs = sendTimeoutMs;
  }

  /**
   * Creates and starts a mechanism under an id (one plugin may serve several accounts: "im1", "im2").
   * Its start runs in the background: a slow server never blocks the app.
   */
  add(id: MechanismId, plugin: MechanismPlugin, account: unknown, addresses: () => readonly string[]): void {
    if (this.#running.has(id)) throw new Error(`mechanism ${id} is already running`);
    let self: Running | undefined;
    const guard = <A extends unknown[]>(what: string, fn: (...args: A) => void) => (...args: A) => {
      if (!self || this.#running.get(id) !== self) return; // a removed instance talking late
      try {
        fn(...args);
      } catch (error) {
        this.#log.error(`${id}: ${what} handler failed: ${describe(error)}`);
      }
    };
    let instance: Mechanism;
    try {
      instance = plugin.create({
        account,
        addresses,
        log: prefixed(this.#log, id),
        status: guard('status', (status: MechanismStatus) => this.#setStatus(id, status)),
        presence: guard('presence', (address: string, show: PresenceShow, status?: string) => this.#hooks.presence(id, address, show, typeof status === 'string' ? status : undefined)),
        incoming: guard('incoming', (message: IncomingMessage) => this.#hooks.incoming(id, message)),
        suggest: guard('suggest', (person: { address: string; name?: string }) => this.#hooks.suggest(id, person)),
        receipt: guard('receipt', (messageId: string, level: 'delivered' | 'read') => this.#hooks.receipt(id, messageId, level)),
        caughtUpTo: guard('caughtUpTo', (serverId: string) => {
          if (typeof serverId === 'string' && serverId.length > 0 && serverId.length <= 200) this.#hooks.caughtUpTo?.(id, serverId);
        }),
        readElsewhere: guard('readElsewhere', (address: string, ref: string) => this.#hooks.readElsewhere?.(id, String(address), String(ref))),
        lastServerId: () => {
          try {
            return this.#hooks.lastServerId(id);
          } catch (error) {
            this.#log.error(`${id}: lastServerId handler failed: ${describe(error)}`);
            return undefined;
          }
        },
      });
    } catch (error) {
      this.#log.error(`${id}: could not be created: ${describe(error)}`);
      this.#hooks.status(id, { state: 'inactive', reason: plainReason(describe(error)) });
      return;
    }
    self = { id, plugin, instance, status: { state: 'connecting' }, toldAt: 0 };
    this.#running.set(id, self);
    this.#hooks.status(id, { state: 'connecting' });
    this.#changes.emit('change');
    Promise.resolve()
      .then(() => instance.start())
      .catch((error: unknown) => {
        this.#log.error(`${id}: start failed: ${describe(error)}`);
        this.#setStatus(id, { state: 'inactive', reason: describe(error) });
      });
  }

  /** Every reason a plugin gives is put in words a person can act on here (plain-reason.ts), whichever plugin it is. */
  #setStatus(id: MechanismId, reported: MechanismStatus): void {
    const running = this.#running.get(id);
    if (!running) return;
    const raw = reasonOf(reported);
    const plain = raw === undefined ? undefined : plainReason(raw);
    const status = plain === undefined ? reported : ({ ...reported, reason: plain } as MechanismStatus);
    if (raw !== undefined && plain !== raw) this.#log.info(`${id}: ${status.state}: ${raw}`);
    const before = running.status;
    const sameState = before.state === status.state && reasonOf(before) === plain;
    if (sameState && activityOf(before) === activityOf(status)) return;
    running.status = status;
    this.#hooks.status(id, status);
    if (sameState) return this.#tellActivity(running);
    clearTimeout(running.held);
    running.held = undefined;
    this.#told(running);
  }

  #told(running: Running): void {
    running.toldAt = Date.now();
    this.#changes.emit('change');
  }

  /** Tells a change of activity alone now, or once ACTIVITY_EVERY_MS has passed since the last telling (with the latest). */
  #tellActivity(running: Running): void {
    if (running.held) return;
    const wait = running.toldAt + ACTIVITY_EVERY_MS - Date.now();
    if (wait <= 0) return this.#told(running);
    running.held = setTimeout(() => {
      running.held = undefined;
      if (this.#running.get(running.id) === running) this.#told(running);
    }, wait);
  }

  /**
   * Resolves once none of these mechanisms is still connecting, after `ms`, or as soon as `signal`
   * fires: at start-up the outbox waits for its mechanisms to come up rather than failing on a delivery
   * policy computed too early, and a shutdown must not sit that wait out.
   */
  async settled(ids: readonly MechanismId[], ms: number, signal?: AbortSignal): Promise<void> {
    const connecting = () => ids.some((id) => this.#running.get(id)?.status.state === 'connecting');
    if (!connecting() || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#changes.off('change', check);
        offAbort();
        resolve();
      };
      const check = () => !connecting() && done();
      const timer = setTimeout(done, ms);
      this.#changes.on('change', check);
      const offAbort = signal ? onAbort(signal, done) : () => undefined;
    });
  }

  views(): MechanismView[] {
    return [...this.#running.values()].map((r) => ({
      id: r.id,
      kind: r.plugin.displayName,
      state: r.status.state,
      ...(reasonOf(r.status) !== undefined && { reason: reasonOf(r.status) }),
      ...(activityOf(r.status) !== undefined && { activity: activityOf(r.status) }),
    }));
  }

  onChange(listener: () => void): () => void {
    this.#changes.on('change', listener);
    return () => this.#changes.off('change', listener);
  }

  plugin(id: MechanismId): MechanismPlugin | undefined {
    return this.#running.get(id)?.plugin;
  }

  ids(): MechanismId[] {
    return [...this.#running.keys()];
  }

  /** Stops a mechanism, waiting at most `graceMs` for it to close cleanly; its late callbacks are dropped. */
  async remove(id: MechanismId, graceMs = 5_000): Promise<void> {
    const running = this.#running.get(id);
    if (!running) return;
    this.#running.delete(id);
    clearTimeout(running.held);
    this.#hooks.status(id, { state: 'inactive', reason: 'removed' });
    this.#changes.emit('change');
    await withTimeout(Promise.resolve().then(() => running.instance.stop()), graceMs, 'stop').catch((error: unknown) =>
      this.#log.warn(`${id}: stop failed: ${describe(error)}`),
    );
  }

  /**
   * Stops every mechanism at once. Quitting must take under 2 s: a mechanism whose network is gone
   * cannot close cleanly anyway, so it is not waited for longer than `graceMs`.
   */
  async stopAll(graceMs = 1_000): Promise<void> {
    await Promise.all([...this.#running.keys()].map((id) => this.remove(id, graceMs)));
  }

  /** Tells every running mechanism that the contacts' addresses changed; one that throws costs only itself. */
  addressesChanged(): void {
    for (const [id, running] of this.#running) {
      try {
        running.instance.addressesChanged?.();
      } catch (error) {
        this.#log.error(`${id}: addressesChanged failed: ${describe(error)}`);
      }
    }
  }

  active(): MechanismId[] {
    return [...this.#running].filter(([, r]) => r.status.state === 'active').map(([id]) => id);
  }

  status(id: MechanismId): MechanismStatus | undefined {
    return this.#running.get(id)?.status;
  }

  /**
   * Tells an address that the user read what it wrote up to `ref` (see Mechanism.markDisplayed); never
   * rejects. False when it was not sent: the mechanism is not running, has no markers, failed or hung.
   */
  async markDisplayed(id: MechanismId, address: string, ref: string): Promise<boolean> {
    const instance = this.#running.get(id)?.instance;
    if (!instance?.markDisplayed) return false;
    try {
      await withTimeout(Promise.resolve().then(() => instance.markDisplayed!(address, ref)), this.sendTimeoutMs, 'markDisplayed');
      return true;
    } catch (error) {
      this.#log.info(`${id}: read marker not sent: ${describe(error)}`);
      return false;
    }
  }

  /** One attempt; never rejects. A mechanism that does not answer in time has failed this attempt. */
  async send(id: MechanismId, address: string, message: OutgoingMessage): Promise<SendOutcome> {
    const running = this.#running.get(id);
    if (!running) return { ok: false, reason: 'not running', final: false };
    try {
      return await withTimeout(Promise.resolve().then(() => running.instance.send(address, message)), this.sendTimeoutMs, 'send');
    } catch (error) {
      return { ok: false, reason: describe(error), final: false };
    }
  }
}

function prefixed(log: Logger, prefix: string): Logger {
  return {
    info: (m) => log.info(`${prefix}: ${m}`),
    warn: (m) => log.warn(`${prefix}: ${m}`),
    error: (m) => log.error(`${prefix}: ${m}`),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

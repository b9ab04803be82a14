// The delivery service: takes a message from the sender, puts it in the outbox (SQLite) before anything
// is sent, hands it to the delivery manager chosen for it, and gives that manager a job whose policy is
// computed at dispatch time. It does the sending, the verification (server accepted / receipt / shown
// available), the prompts, the expiry and the bookkeeping of every attempt; it tells the sender when a
// message could not be delivered, and resumes the outbox after a restart without sending twice.
//
// Every wait of a delivery (mechanisms settling, a receipt, the sender's answer, the expiry) takes the
// delivery's AbortSignal, which fires on expiry, at the end of the delivery, and at once on stop().
import { randomUUID } from 'node:crypto';
import type { ContactId, DeliveryFailure, DeliveryPrompt, MechanismId, MessageView, PresenceShow, Priority } from '../../shared/domain';
import type { AttemptResult, DeliveryJob, DeliveryResult, DeliveryStep } from '../../shared/delivery';
import type { Logger } from '../../shared/mechanism';
import type { Settings } from '../../shared/settings';
import { isolate } from '../../shared/bidi';
import { ABORTED, onAbort, unlessAborted } from '../abort';
import type { ContactDirectory } from '../contacts/directory';
import type { CoreEvents } from '../events';
import { NotFoundError } from '../ipc/handlers';
import type { MechanismRegistry } from '../mechanisms/registry';
import type { MessageStore } from '../messages/store';
import type { PresenceService } from '../presence/service';
import { chooseDelivery, type DeliveryChoice } from './choose';
import type { DeliveryManagerStore } from './managers';
import { computePolicy } from './policy';

export interface DeliveryDeps {
  readonly contacts: () => ContactDirectory;
  readonly registry: MechanismRegistry;
  readonly presence: PresenceService;
  readonly store: MessageStore;
  readonly events: CoreEvents;
  readonly managers: DeliveryManagerStore;
  readonly settings: () => Settings['delivery'];
  /** Your name, for mechanisms that must say who a message is from. */
  readonly senderName: () => string | undefined;
  /** Every mechanism set up, in settings order: the configuration used when none is written. */
  readonly mechanisms: () => readonly MechanismId[];
  /** Tells the sender outside the window (the tray notification in Electron). */
  readonly notify: (failure: DeliveryFailure) => void;
  readonly log: Logger;
  /** How long a delivery waits for the recipient's mechanisms to finish connecting. */
  readonly settleMs?: number;
}

export interface SendRequest {
  readonly contactId: ContactId;
  readonly body: string;
  readonly priority: Priority;
  readonly expiresInSeconds?: number;
  readonly manager?: string;
}

const levelState = { accepted: 'sent', delivered: 'delivered', read: 'read' } as const;
const stateRank: Partial<Record<MessageView['state'], number>> = { sent: 1, delivered: 2, read: 3 };

/** Why a delivery's signal fired: Switchboard is stopping, the message expired, or the delivery is over. */
type Ending = 'stopped' | 'expired' | 'ended';
const endedBy = (signal: AbortSignal): Ending | undefined => (signal.aborted ? (signal.reason as Ending) : undefined);
/** A delivery under way, as its attempts see it. */
interface Run {
  readonly message: MessageView;
  readonly choice: DeliveryChoice;
  readonly expired: () => boolean;
  readonly signal: AbortSignal;
}
/** What an attempt cut short by stop() tells its delivery manager; it is not a failure. */
const stopping: AttemptResult = { ok: false, reason: 'Switchboard is stopping', final: false };

export class DeliveryService {
  readonly #deps: DeliveryDeps;
  readonly #runs = new Map<string, Promise<void>>();
  /** Fires once, on stop(). Waits listen through signals made from it (AbortSignal.any), never on it. */
  readonly #shutdown = new AbortController();
  /** Attempts still doing their bookkeeping: stop() waits for them, the database closes after it. */
  readonly #attempting = new Set<Promise<unknown>>();
  readonly #prompts = new Map<string, { prompt: DeliveryPrompt; answer: (send: boolean) => void }>();
  readonly #receiptWaiters = new Map<string, Set<() => void>>();

  constructor(deps: DeliveryDeps) {
    this.#deps = deps;
  }

  /** Stores the message in the outbox, then delivers it in the background. */
  send(request: SendRequest): MessageView {
    const { contacts, store, events } = this.#deps;
    if (!contacts().get(request.contactId)) throw new NotFoundError(`There is no contact ${request.contactId}.`);
    const now = Date.now();
    const choice = this.#choose({ priority: request.priority, expiring: request.expiresInSeconds !== undefined, manager: request.manager });
    const message: MessageView = {
      id: randomUUID(),
      contactId: request.contactId,
      direction: 'out',
      body: request.body,
      state: 'sending',
      at: now,
      priority: request.priority,
      ...(request.expiresInSeconds !== undefined && { expiresAt: now + request.expiresInSeconds * 1000 }),
      ...(request.manager !== undefined && { chosenManager: request.manager }),
      ...(choice && { manager: choice.manager, configuration: choice.configuration.name }),
    };
    store.add(message);
    events.emit('messages:changed', message);
    this.#start(message.id);
    return message;
  }

  /** Sends a failed message again, from the start of its delivery policy. An expiry that passed is lifted. */
  retry(messageId: string): MessageView {
    const { store, events } = this.#deps;
    const message = store.get(messageId);
    if (!message || message.direction !== 'out') throw new NotFoundError(`There is no message ${messageId} to retry.`);
    if (message.state !== 'failed') return message;
    const expired = message.expiresAt !== undefined && message.expiresAt <= Date.now();
    const updated = store.update(messageId, { state: 'sending', failure: undefined, ...(expired && { expiresAt: undefined }) })!;
    events.emit('messages:changed', updated);
    this.#start(messageId, true);
    return updated;
  }

  /** Picks up the outbox left by a process that stopped. */
  resume(): void {
    this.#deps.store.closeInterruptedAttempts();
    for (const message of this.#deps.store.unfinished()) this.#start(message.id);
  }

  prompts(): DeliveryPrompt[] {
    return [...this.#prompts.values()].map((p) => p.prompt);
  }

  answer(promptId: string, send: boolean): void {
    const pending = this.#prompts.get(promptId);
    if (!pending) throw new NotFoundError('That question was already answered or is no longer asked.');
    pending.answer(send);
  }

  /** A mechanism reports a delivery receipt or read marker for a message we sent. */
  receipt(mechanism: MechanismId, messageId: string, level: 'delivered' | 'read'): void {
    const { store, events } = this.#deps;
    const upgraded = store.upgradeAttempt(messageId, mechanism, level);
    if (!upgraded) return;
    events.emit('diagnostics:attempt', upgraded);
    for (const wake of this.#receiptWaiters.get(messageId) ?? []) wake();
    const message = store.get(messageId);
    const rank = message && stateRank[message.state];
    if (message && rank !== undefined && rank < stateRank[level]!) events.emit('messages:changed', store.update(messageId, { state: level })!);
  }

  /**
   * Stops routing at once: every wait ends, an attempt in progress is recorded as interrupted (neither
   * failed nor expired), and each unfinished message stays in the outbox as it is, for the next start.
   */
  async stop(): Promise<void> {
    this.#shutdown.abort('stopped' satisfies Ending);
    await Promise.allSettled([...this.#runs.values(), ...this.#attempting]);
  }

  #choose(properties: Parameters<typeof chooseDelivery>[0]): DeliveryChoice | undefined {
    return chooseDelivery(properties, this.#deps.settings(), this.#deps.managers.ids(), this.#deps.mechanisms());
  }

  #start(messageId: string, fresh = false): void {
    if (this.#runs.has(messageId) || this.#shutdown.signal.aborted) return;
    const run = this.#deliver(messageId, fresh)
      .catch((error: unknown) => this.#deps.log.error(`delivery of ${messageId} broke: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => this.#runs.delete(messageId));
    this.#runs.set(messageId, run);
  }

  async #deliver(messageId: string, fresh: boolean): Promise<void> {
    const { contacts, registry, store, log, managers } = this.#deps;
    const message = store.get(messageId);
    if (!message) return;
    const contact = contacts().get(message.contactId);
    if (!contact) return this.#finish(message, { outcome: 'failed', tried: 0 }, 'This person', 'They are no longer in your contacts.');
    // The name goes into sentences of ours (failures, questions): isolated, so it cannot reorder them.
    const name = isolate(contact.name);

    // The choice recorded with the message stands, unless its manager has gone since (or this is a retry).
    const recorded = fresh ? { manager: message.chosenManager } : { manager: message.manager, configuration: message.configuration };
    const choice = this.#choose({ priority: message.priority, expiring: message.expiresAt !== undefined, ...recorded });
    const plugin = choice && managers.get(choice.manager);
    if (!choice || !plugin) return this.#finish(message, { outcome: 'failed', tried: 0 }, name, `${name} could not be reached: no delivery manager is installed.`);
    if (choice.manager !== message.manager || choice.configuration.name !== message.configuration) {
      store.update(messageId, { manager: choice.manager, configuration: choice.configuration.name });
    }

    const over = new AbortController();
    const signal = AbortSignal.any([this.#shutdown.signal, over.signal]);
    const expired = () => message.expiresAt !== undefined && Date.now() >= message.expiresAt;
    const expiry = message.expiresAt !== undefined ? setTimeout(() => over.abort('expired' satisfies Ending), Math.max(0, message.expiresAt - Date.now())) : undefined;
    let offEnded = () => {};
    try {
      await registry.settled(contacts().mechanismsOf(contact.id), this.#deps.settleMs ?? 15_000, signal);
      if (endedBy(signal) === 'stopped') return; // nothing was tried: it stays in the outbox as it is
      const job = this.#job(message, name, choice, expired, signal);
      let result: DeliveryResult;
      if (expired()) result = { outcome: 'expired' };
      else {
        const managed = Promise.resolve()
          .then(() => plugin.create().deliver(job))
          .catch((error: unknown): DeliveryResult => {
            log.error(`delivery manager ${choice.manager} failed on ${messageId}: ${error instanceof Error ? error.message : String(error)}`);
            return { outcome: 'failed', tried: 1 };
          });
        // Expiry (or stopping) ends the delivery whatever the manager is doing: a hung plugin cannot hold it.
        const ended = new Promise<DeliveryResult>((resolve) => (offEnded = onAbort(signal, () => resolve({ outcome: 'expired' }))));
        result = await Promise.race([managed, ended]);
      }
      // Stopping is no outcome: short of delivered, the message stays in the outbox as it is.
      if (endedBy(signal) === 'stopped' && result.outcome !== 'delivered') return;
      this.#finish(store.get(messageId) ?? message, result, name);
    } finally {
      offEnded();
      clearTimeout(expiry);
      over.abort('ended' satisfies Ending);
    }
  }

  /** Keeps an attempt in stop()'s view until its bookkeeping is written. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#attempting.add(work);
    work.then(
      () => this.#attempting.delete(work),
      () => this.#attempting.delete(work),
    );
    return work;
  }

  #job(message: MessageView, name: string, choice: DeliveryChoice, expired: () => boolean, signal: AbortSignal): DeliveryJob {
    const { contacts, registry, log } = this.#deps;
    const run: Run = { message, choice, expired, signal };
    return {
      message: { id: message.id, contactName: name, priority: message.priority, ...(message.expiresAt !== undefined && { expiresAt: message.expiresAt }) },
      configuration: choice.configuration,
      policy: () => computePolicy(contacts().mechanismsOf(message.contactId), registry.active(), choice.configuration.steps),
      // After stop() nothing a manager says is recorded: a question withdrawn at shutdown was not declined.
      skip: (step, why) => void (endedBy(signal) === 'stopped' || this.#record(run, step, 'skipped', why)),
      presence: (mechanism) => this.#presenceOn(message, mechanism),
      receipts: (mechanism) => registry.plugin(mechanism)?.capabilities.receipts ?? false,
      ask: () => this.#ask(message, name, signal),
      expired,
      log,
      attempt: (step) => this.#track(this.#attempt(run, step)),
    };
  }

  /** One step: sends where the message was not accepted yet, then verifies as the step says. */
  async #attempt(run: Run, step: DeliveryStep): Promise<AttemptResult> {
    const { contacts, registry, store, log } = this.#deps;
    const { message, choice, expired, signal } = run;
    if (endedBy(signal) === 'stopped') return stopping; // the next start takes this step up
    if (expired() || signal.aborted) {
      this.#record(run, step, 'expired', 'the message expired before this step');
      return { ok: false, reason: 'the message expired', final: true };
    }
    const mechanism = step.mechanism;
    if (!store.bestOutcome(message.id, mechanism)) {
      const to = contacts().address(message.contactId, mechanism);
      if (!to) {
        this.#record(run, step, 'failed', 'no address on this mechanism');
        return { ok: false, reason: 'no address there', final: true };
      }
      if (step.verify === 'available' && this.#presenceOn(message, mechanism) !== 'available') {
        this.#record(run, step, 'failed', 'the recipient is not shown available there');
        return { ok: false, reason: 'the recipient is not shown available there', final: false };
      }
      const attemptId = store.beginAttempt({ messageId: message.id, manager: choice.manager, configuration: choice.configuration.name, mechanism });
      this.#attemptChanged(attemptId);
      const senderName = this.#deps.senderName();
      const sending = registry.send(mechanism, to.address, {
        id: message.id,
        body: message.body,
        addressSettings: to.settings,
        ...(senderName !== undefined && { senderName }),
      });
      // Only stopping cuts a send short; after an expiry its answer is still worth recording. What the
      // server did with a send cut short is unknown: the next start sends again, with the same id.
      const outcome = await unlessAborted(sending, AbortSignal.any([this.#shutdown.signal]));
      if (outcome === ABORTED) {
        store.endAttempt(attemptId, 'interrupted', 'Switchboard stopped before the server confirmed the message');
        this.#attemptChanged(attemptId);
        return stopping;
      }
      store.endAttempt(attemptId, outcome.ok ? outcome.level : 'failed', outcome.ok ? undefined : outcome.reason);
      this.#attemptChanged(attemptId);
      if (!outcome.ok) return outcome;
    } else {
      log.info(`message ${message.id} was already accepted on ${mechanism}; not sending it there again`);
    }
    if (typeof step.verify === 'object' && store.bestOutcome(message.id, mechanism) === 'accepted') {
      const seconds = step.verify.receiptWithinSeconds;
      const receipt = await this.#receiptWithin(message.id, mechanism, seconds * 1000, signal);
      const ending = endedBy(signal);
      if (receipt === 'aborted' && ending === 'stopped') {
        // The acceptance stands (the next start does not send again); only the wait for the receipt was cut.
        this.#record(run, step, 'interrupted', 'accepted; Switchboard stopped while waiting for the delivery receipt');
        return stopping;
      }
      if (receipt !== 'confirmed') {
        const why = receipt === 'none' ? `no delivery receipt within ${seconds} s` : ending === 'expired' ? 'the message expired before a delivery receipt came' : undefined;
        const accepted = store.attempts(message.id).filter((a) => a.mechanism === mechanism && a.outcome === 'accepted').at(-1);
        if (accepted && why) {
          store.noteAttempt(accepted.id, `accepted, but ${why}`);
          this.#attemptChanged(accepted.id);
        }
        return { ok: false, reason: why ?? 'the delivery ended before a delivery receipt came', final: receipt === 'aborted' };
      }
    }
    return { ok: true, level: store.bestOutcome(message.id, mechanism)! };
  }

  #record(run: Run, step: DeliveryStep, outcome: 'skipped' | 'failed' | 'expired' | 'interrupted', detail: string): void {
    const { message, choice } = run;
    this.#attemptChanged(
      this.#deps.store.beginAttempt({ messageId: message.id, manager: choice.manager, configuration: choice.configuration.name, mechanism: step.mechanism, outcome, detail }),
    );
  }

  #presenceOn(message: MessageView, mechanism: MechanismId): PresenceShow | 'none' {
    const { registry, presence } = this.#deps;
    return registry.plugin(mechanism)?.capabilities.presence ? (presence.show(message.contactId, mechanism) ?? 'offline') : 'none';
  }

  #attemptChanged(id: number): number {
    const attempt = this.#deps.store.attempt(id);
    if (attempt) this.#deps.events.emit('diagnostics:attempt', attempt);
    return id;
  }

  /** Waits for the device to confirm: 'confirmed', 'none' when the time ran out, 'aborted' when the signal fired. */
  #receiptWithin(messageId: string, mechanism: MechanismId, ms: number, signal: AbortSignal): Promise<'confirmed' | 'none' | 'aborted'> {
    const { store } = this.#deps;
    return new Promise((resolve) => {
      let waiters = this.#receiptWaiters.get(messageId);
      if (!waiters) this.#receiptWaiters.set(messageId, (waiters = new Set()));
      let timer: ReturnType<typeof setTimeout> | undefined;
      let offAbort = () => {};
      let over = false;
      const done = (how: 'confirmed' | 'none' | 'aborted') => {
        over = true;
        clearTimeout(timer);
        offAbort();
        waiters.delete(check);
        if (!waiters.size) this.#receiptWaiters.delete(messageId);
        resolve(how);
      };
      const check = () => {
        const best = store.bestOutcome(messageId, mechanism);
        if (best === 'delivered' || best === 'read') done('confirmed');
      };
      waiters.add(check);
      check(); // the receipt may have come already
      if (!over) offAbort = onAbort(signal, () => done('aborted'));
      if (!over) timer = setTimeout(() => done('none'), ms);
    });
  }

  #ask(message: MessageView, name: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    const urgency = message.priority === 'urgent' ? 'It is urgent.' : 'It is not urgent.';
    const prompt: DeliveryPrompt = {
      id: randomUUID(),
      messageId: message.id,
      contactId: message.contactId,
      question: `${name} has not been reached yet. ${urgency} Try a more intrusive way to reach them?`,
    };
    return new Promise((resolve) => {
      let offAbort = () => {};
      const answer = (send: boolean) => {
        if (!this.#prompts.delete(prompt.id)) return;
        offAbort();
        this.#deps.events.emit('delivery:answered', { promptId: prompt.id });
        resolve(send);
      };
      this.#prompts.set(prompt.id, { prompt, answer });
      this.#deps.events.emit('delivery:prompted', prompt);
      // Expiry or stopping withdraws the question (the window hears it answered); a stop is no "no".
      offAbort = onAbort(signal, () => answer(false));
    });
  }

  /** Records the end of a delivery; `failure` overrides the sentence the outcome would give. */
  #finish(message: MessageView, result: DeliveryResult, name: string, failure?: string): void {
    const { store, events, notify } = this.#deps;
    let updated: MessageView | undefined;
    if (result.outcome === 'delivered') {
      updated = store.update(message.id, { state: levelState[store.bestOutcome(message.id, result.mechanism) ?? 'accepted'], failure: undefined });
    } else {
      const reasons = {
        failed:
          result.outcome === 'failed' && result.tried === 0
            ? `${name} cannot be reached right now: none of the ways to reach them is connected.`
            : `${name} could not be reached: every way of reaching them failed.`,
        declined: `Not delivered: you chose not to try another way of reaching ${name}.`,
        expired: `Not delivered: the message expired before ${name} could be reached.`,
      };
      const reason = failure ?? reasons[result.outcome];
      updated = store.update(message.id, { state: 'failed', failure: reason });
      if (updated) {
        const told: DeliveryFailure = { messageId: message.id, contactId: message.contactId, contactName: name, reason };
        events.emit('delivery:failed', told);
        notify(told);
      }
    }
    if (updated) events.emit('messages:changed', updated);
  }
}

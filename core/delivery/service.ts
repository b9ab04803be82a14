// The delivery service: takes a message from the sender, puts it in the outbox (SQLite) before anything
// is sent, hands it to the delivery manager chosen for it, and gives that manager a job whose policy is
// computed at dispatch time. It does the sending, the verification (server accepted / receipt / shown
// available), the prompts, the expiry and the bookkeeping of every attempt; it tells the sender when a
// message could not be delivered, and resumes the outbox after a restart without sending twice.
import { randomUUID } from 'node:crypto';
import type { ContactId, DeliveryFailure, DeliveryPrompt, MechanismId, MessageView, Priority } from '../../shared/domain';
import type { AttemptResult, DeliveryJob, DeliveryResult, DeliveryStep } from '../../shared/delivery';
import type { Logger } from '../../shared/mechanism';
import type { Settings } from '../../shared/settings';
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

export class DeliveryService {
  readonly #deps: DeliveryDeps;
  readonly #runs = new Map<string, Promise<void>>();
  readonly #endings = new Set<AbortController>();
  readonly #prompts = new Map<string, { prompt: DeliveryPrompt; answer: (send: boolean) => void }>();
  readonly #receiptWaiters = new Map<string, Set<() => void>>();
  #stopping = false;

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

  /** Stops routing: unfinished messages stay in the outbox for the next start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const ending of this.#endings) ending.abort();
    await Promise.allSettled([...this.#runs.values()]);
  }

  #choose(properties: Parameters<typeof chooseDelivery>[0]): DeliveryChoice | undefined {
    return chooseDelivery(properties, this.#deps.settings(), this.#deps.managers.ids(), this.#deps.mechanisms());
  }

  #start(messageId: string, fresh = false): void {
    if (this.#runs.has(messageId) || this.#stopping) return;
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
    const name = contact.name;

    // The choice recorded with the message stands, unless its manager has gone since (or this is a retry).
    const recorded = fresh ? { manager: message.chosenManager } : { manager: message.manager, configuration: message.configuration };
    const choice = this.#choose({ priority: message.priority, expiring: message.expiresAt !== undefined, ...recorded });
    const plugin = choice && managers.get(choice.manager);
    if (!choice || !plugin) return this.#finish(message, { outcome: 'failed', tried: 0 }, name, `${name} could not be reached: no delivery manager is installed.`);
    if (choice.manager !== message.manager || choice.configuration.name !== message.configuration) {
      store.update(messageId, { manager: choice.manager, configuration: choice.configuration.name });
    }

    const ending = new AbortController();
    this.#endings.add(ending);
    const expired = () => message.expiresAt !== undefined && Date.now() >= message.expiresAt;
    const expiry = message.expiresAt !== undefined ? setTimeout(() => ending.abort('expired'), Math.max(0, message.expiresAt - Date.now())) : undefined;
    try {
      await registry.settled(contacts().mechanismsOf(contact.id), this.#deps.settleMs ?? 15_000);
      const job = this.#job(message, name, choice, expired, ending.signal);
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
        const ended = new Promise<DeliveryResult>((resolve) => ending.signal.addEventListener('abort', () => resolve({ outcome: 'expired' }), { once: true }));
        result = await Promise.race([managed, ended]);
      }
      if (this.#stopping && result.outcome !== 'delivered') return; // stays in the outbox
      this.#finish(store.get(messageId) ?? message, result, name);
    } finally {
      clearTimeout(expiry);
      ending.abort('ended');
      this.#endings.delete(ending);
    }
  }

  #job(message: MessageView, name: string, choice: DeliveryChoice, expired: () => boolean, signal: AbortSignal): DeliveryJob {
    const { contacts, registry, presence, store, log } = this.#deps;
    const record = (step: DeliveryStep, outcome: 'skipped' | 'failed' | 'expired', detail: string) =>
      this.#attemptChanged(store.beginAttempt({ messageId: message.id, manager: choice.manager, configuration: choice.configuration.name, mechanism: step.mechanism, outcome, detail }));
    const presenceOn = (mechanism: MechanismId) =>
      registry.plugin(mechanism)?.capabilities.presence ? (presence.show(message.contactId, mechanism) ?? 'offline') : ('none' as const);
    return {
      message: { id: message.id, contactName: name, priority: message.priority, ...(message.expiresAt !== undefined && { expiresAt: message.expiresAt }) },
      configuration: choice.configuration,
      policy: () => computePolicy(contacts().mechanismsOf(message.contactId), registry.active(), choice.configuration.steps),
      skip: (step, why) => void record(step, 'skipped', why),
      presence: presenceOn,
      receipts: (mechanism) => registry.plugin(mechanism)?.capabilities.receipts ?? false,
      ask: () => this.#ask(message, name, signal),
      expired,
      log,
      attempt: async (step): Promise<AttemptResult> => {
        if (expired() || signal.aborted) {
          record(step, 'expired', 'the message expired before this step');
          return { ok: false, reason: 'the message expired', final: true };
        }
        const mechanism = step.mechanism;
        if (!store.bestOutcome(message.id, mechanism)) {
          const to = contacts().address(message.contactId, mechanism);
          if (!to) {
            record(step, 'failed', 'no address on this mechanism');
            return { ok: false, reason: 'no address there', final: true };
          }
          if (step.verify === 'available' && presenceOn(mechanism) !== 'available') {
            record(step, 'failed', 'the recipient is not shown available there');
            return { ok: false, reason: 'the recipient is not shown available there', final: false };
          }
          const attemptId = store.beginAttempt({ messageId: message.id, manager: choice.manager, configuration: choice.configuration.name, mechanism });
          this.#attemptChanged(attemptId);
          const senderName = this.#deps.senderName();
          const outcome = await registry.send(mechanism, to.address, {
            id: message.id,
            body: message.body,
            addressSettings: to.settings,
            ...(senderName !== undefined && { senderName }),
          });
          store.endAttempt(attemptId, outcome.ok ? outcome.level : 'failed', outcome.ok ? undefined : outcome.reason);
          this.#attemptChanged(attemptId);
          if (!outcome.ok) return outcome;
        } else {
          log.info(`message ${message.id} was already accepted on ${mechanism}; not sending it there again`);
        }
        if (typeof step.verify === 'object' && store.bestOutcome(message.id, mechanism) === 'accepted') {
          const seconds = step.verify.receiptWithinSeconds;
          if (!(await this.#receiptWithin(message.id, mechanism, seconds * 1000, signal))) {
            const accepted = store.attempts(message.id).filter((a) => a.mechanism === mechanism && a.outcome === 'accepted').at(-1);
            if (accepted) {
              store.noteAttempt(accepted.id, `accepted, but no delivery receipt within ${seconds} s`);
              this.#attemptChanged(accepted.id);
            }
            return { ok: false, reason: `no delivery receipt within ${seconds} s`, final: false };
          }
        }
        return { ok: true, level: store.bestOutcome(message.id, mechanism)! };
      },
    };
  }

  #attemptChanged(id: number): number {
    const attempt = this.#deps.store.attempt(id);
    if (attempt) this.#deps.events.emit('diagnostics:attempt', attempt);
    return id;
  }

  #receiptWithin(messageId: string, mechanism: MechanismId, ms: number, signal: AbortSignal): Promise<boolean> {
    const { store } = this.#deps;
    return new Promise((resolve) => {
      let waiters = this.#receiptWaiters.get(messageId);
      if (!waiters) this.#receiptWaiters.set(messageId, (waiters = new Set()));
      const done = (got: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        waiters.delete(check);
        if (!waiters.size) this.#receiptWaiters.delete(messageId);
        resolve(got);
      };
      const check = () => {
        const best = store.bestOutcome(messageId, mechanism);
        if (best === 'delivered' || best === 'read') done(true);
      };
      const aborted = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      signal.addEventListener('abort', aborted, { once: true });
      waiters.add(check);
      check(); // the receipt may have come already
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
      const answer = (send: boolean) => {
        if (!this.#prompts.delete(prompt.id)) return;
        signal.removeEventListener('abort', aborted);
        this.#deps.events.emit('delivery:answered', { promptId: prompt.id });
        resolve(send);
      };
      const aborted = () => answer(false);
      this.#prompts.set(prompt.id, { prompt, answer });
      signal.addEventListener('abort', aborted, { once: true });
      this.#deps.events.emit('delivery:prompted', prompt);
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

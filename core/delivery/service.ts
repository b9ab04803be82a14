// The delivery service: takes a message from the sender, puts it in the outbox (SQLite) before anything
// is sent, hands it to the delivery manager chosen for it, and gives that manager a job whose policy is
// computed at dispatch time. It does the sending and verification of each attempt, the expiry, and the
// waiting when no way is left but ways that are reconnecting; it tells the sender when a message could
// not be delivered, takes that back when later evidence (a late acknowledgement, a receipt, a reply)
// proves otherwise, and resumes the outbox after a restart. Each attempt is run by attempt-runner.ts;
// questions to the sender live in prompt-broker.ts, receipt waits in receipt-waiter.ts, what a message
// may wait for in waiting.ts, and how evidence moves a state (forward only) in evidence.ts.
//
// Every wait of a delivery (mechanisms settling, a receipt, the sender's answer, a way coming back, the
// expiry) takes the delivery's AbortSignal, which fires on expiry, on cancel, on proof of delivery, at
// the end of the delivery, and at once on stop().
import { randomUUID } from 'node:crypto';
import type { ContactId, DeliveryFailure, DeliveryPrompt, MechanismId, MessageState, MessageView, Priority } from '../../shared/domain';
import type { DeliveryJob, DeliveryManagerPlugin, DeliveryResult, DeliveryStep } from '../../shared/delivery';
import type { Logger } from '../../shared/mechanism';
import type { Settings } from '../../shared/settings';
import { Backoff } from '../../shared/backoff';
import { isolate } from '../../shared/bidi';
import { delay, onAbort } from '../abort';
import type { ContactDirectory } from '../contacts/directory';
import type { CoreEvents } from '../events';
import { NotFoundError } from '../ipc/handlers';
import type { MechanismRegistry } from '../mechanisms/registry';
import type { MessageStore } from '../messages/store';
import type { PresenceService } from '../presence/service';
import { chooseDelivery, type DeliveryChoice } from './choose';
import type { DeliveryManagerStore } from './managers';
import { forward, furthest, stateOf, type Evidence } from './evidence';
import { computePolicy } from './policy';
import { AttemptRunner, endedBy, UNANSWERED, type Ending, type Run } from './attempt-runner';
import { PromptBroker } from './prompt-broker';
import { ReceiptWaiter } from './receipt-waiter';
import { nextChange, nothingToWaitFor, waitable, type Waitable } from './waiting';

/** The manager that takes a message over when its own fails: built in, in-process, always there. */
export const FALLBACK_MANAGER = 'sequential';

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
  /** The back-off between retries of a retryable failure (full jitter). */
  readonly retryBackoff?: { readonly baseMs: number; readonly capMs: number };
}

export interface SendRequest {
  readonly contactId: ContactId;
  readonly body: string;
  readonly priority: Priority;
  readonly expiresInSeconds?: number;
  readonly manager?: string;
}

export class DeliveryService {
  readonly #deps: DeliveryDeps;
  readonly #runs = new Map<string, Promise<void>>();
  /** Sends asked for and not yet written: written together at the end of this turn (see send). */
  readonly #toStore: { message: MessageView; resolve: (m: MessageView) => void; reject: (e: unknown) => void }[] = [];
  #commitTimer: NodeJS.Immediate | undefined;
  /** The deliveries under way, by message id: what evidence, "Cancel" and "Retry now" reach. */
  readonly #live = new Map<string, Run>();
  /** Fires once, on stop(). Waits listen through signals made from it (AbortSignal.any), never on it. */
  readonly #shutdown = new AbortController();
  /** Attempts still doing their bookkeeping: stop() waits for them, the database closes after it. */
  readonly #attempting = new Set<Promise<unknown>>();
  readonly #prompts: PromptBroker;
  readonly #receipts = new ReceiptWaiter();
  readonly #attempts: AttemptRunner;
  readonly #offIncoming: () => void;
  /** Mechanisms that have been active since start: a later drop of theirs is waited out, not settled. */
  readonly #everActive = new Set<MechanismId>();
  readonly #offRegistry: () => void;

  constructor(deps: DeliveryDeps) {
    this.#deps = deps;
    this.#prompts = new PromptBroker(deps.events);
    this.#attempts = new AttemptRunner({
      ...deps,
      receipts: this.#receipts,
      shutdown: this.#shutdown.signal,
      late: (messageId, evidence) => this.#afterRun(messageId, () => this.#evidence(messageId, evidence)),
    });
    // A message from the person answers what we sent them: it is proof enough that it arrived.
    this.#offIncoming = deps.events.on('messages:changed', (m) => m.direction === 'in' && this.#replied(m));
    const seen = () => deps.registry.active().forEach((id) => this.#everActive.add(id));
    seen();
    this.#offRegistry = deps.registry.onChange(seen);
  }

  /**
   * Stores the message in the outbox, then delivers it in the background; resolves once it is on
   * disk. Sends asked for in the same turn of the event loop (a burst, a message to many people) are
   * written in one transaction: one synced commit for all of them instead of one each.
   */
  send(request: SendRequest): Promise<MessageView> {
    const { contacts } = this.#deps;
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
    return new Promise((resolve, reject) => {
      this.#toStore.push({ message, resolve, reject });
      this.#commitTimer ??= setImmediate(() => this.#commit());
    });
  }

  /**
   * Writes the messages sent since the last commit in the turn's transaction, then tells and starts
   * each: their first attempts join the same commit, and no byte leaves before it (the attempt waits
   * for it). Each send is answered once it is on disk.
   */
  #commit(): void {
    clearImmediate(this.#commitTimer);
    this.#commitTimer = undefined;
    const batch = this.#toStore.splice(0);
    if (!batch.length) return;
    const { store, events } = this.#deps;
    try {
      store.addMany(batch.map((b) => b.message));
    } catch (error) {
      for (const b of batch) b.reject(error);
      return;
    }
    // Answered once on disk, with the message as it was kept (the window follows it by the events,
    // which are told after the same commit: a crash before it leaves no message shown that is gone).
    store.durable().then(
      () => {
        for (const { message, resolve } of batch) resolve(message);
      },
      (error: unknown) => {
        // The disk refused the commit: none of these is kept, so none is sent; each sender is told.
        for (const { message, reject } of batch) {
          this.#live.get(message.id)?.over.abort('stopped' satisfies Ending);
          reject(error);
        }
      },
    );
    for (const { message } of batch) {
      this.#tell(message);
      this.#start(message.id);
    }
  }

  /**
   * Sends a failed message again, from the start of its delivery policy (an expiry that passed is
   * lifted); a message waiting for a way is tried again now.
   */
  retry(messageId: string): MessageView {
    const { store, events } = this.#deps;
    const message = store.get(messageId);
    if (!message || message.direction !== 'out') throw new NotFoundError(`There is no message ${messageId} to retry.`);
    const live = this.#live.get(messageId);
    if (live) {
      live.poke?.abort();
      return message;
    }
    if (message.state !== 'failed') return message;
    const expired = message.expiresAt !== undefined && message.expiresAt <= Date.now();
    const updated = store.update(messageId, { state: 'sending', failure: undefined, ...(expired && { expiresAt: undefined }) })!;
    this.#tell(updated);
    this.#start(messageId, true);
    return updated;
  }

  /** Stops trying a message that is waiting or being sent: it ends as not delivered, by the sender's choice. */
  async cancel(messageId: string): Promise<MessageView> {
    const { store } = this.#deps;
    const message = store.get(messageId);
    if (!message || message.direction !== 'out') throw new NotFoundError(`There is no message ${messageId} to cancel.`);
    const live = this.#live.get(messageId);
    if (live) {
      live.over.abort('cancelled' satisfies Ending);
      await this.#runs.get(messageId);
    }
    return store.get(messageId) ?? message;
  }

  /** Picks up the outbox left by a process that stopped. */
  resume(): void {
    this.#deps.store.closeInterruptedAttempts();
    for (const message of this.#deps.store.unfinished()) this.#start(message.id);
  }

  prompts(): DeliveryPrompt[] {
    return this.#prompts.list();
  }

  answer(promptId: string, send: boolean): void {
    this.#prompts.answer(promptId, send);
  }

  /** A mechanism reports a delivery receipt or read marker for a message we sent. */
  receipt(mechanism: MechanismId, messageId: string, level: 'delivered' | 'read'): void {
    const { store, events } = this.#deps;
    const upgraded = store.upgradeAttempt(messageId, mechanism, level);
    if (!upgraded) return;
    store.afterCommit(() => events.emit('diagnostics:attempt', upgraded));
    this.#receipts.wake(messageId);
    const live = this.#live.get(messageId);
    // The device has it: whatever step the delivery is at (even asking the sender), it is over.
    if (live) this.#confirm(live, mechanism, false);
    else this.#evidence(messageId, level);
  }

  /**
   * Stops routing at once: every wait ends, an attempt in progress is recorded as interrupted (neither
   * failed nor expired), and each unfinished message stays in the outbox as it is, for the next start.
   */
  async stop(): Promise<void> {
    this.#offIncoming();
    this.#offRegistry();
    this.#shutdown.abort('stopped' satisfies Ending);
    // Sends already asked for are written (and answered): stopped, they wait in the outbox for the next start.
    this.#commit();
    await Promise.allSettled([...this.#runs.values(), ...this.#attempting]);
  }

  /** Tells the window a message changed, once the change is committed (store.afterCommit). */
  #tell(view: MessageView): void {
    this.#deps.store.afterCommit(() => this.#deps.events.emit('messages:changed', view));
  }

  #choose(properties: Parameters<typeof chooseDelivery>[0]): DeliveryChoice | undefined {
    return chooseDelivery(properties, this.#deps.settings(), this.#deps.managers.ids(), this.#deps.mechanisms());
  }

  /** The delivery policy for a person now: what a delivery manager's job.policy() answers. */
  #policy(contactId: ContactId, steps: readonly DeliveryStep[]): DeliveryStep[] {
    return computePolicy(this.#deps.contacts().mechanismsOf(contactId), this.#deps.registry.active(), steps);
  }

  /**
   * What a message to this person sent now would be given, without sending anything: the same choice
   * and policy code, with the same inputs, as send() and the job (for the "why this route" preview).
   */
  dryRun(contactId: ContactId, properties: { priority: Priority; expiring: boolean; manager?: string }): { choice: DeliveryChoice | undefined; recipient: MechanismId[]; policy: DeliveryStep[] } {
    if (!this.#deps.contacts().get(contactId)) throw new NotFoundError(`There is no contact ${contactId}.`);
    const choice = this.#choose(properties);
    return { choice, recipient: this.#deps.contacts().mechanismsOf(contactId), policy: choice ? this.#policy(contactId, choice.configuration.steps) : [] };
  }

  #start(messageId: string, fresh = false): void {
    if (this.#runs.has(messageId) || this.#shutdown.signal.aborted) return;
    const run = this.#deliver(messageId, fresh)
      .catch((error: unknown) => this.#deps.log.error(`delivery of ${messageId} broke: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => this.#runs.delete(messageId));
    this.#runs.set(messageId, run);
  }

  async #deliver(messageId: string, fresh: boolean): Promise<void> {
    const { contacts, registry, store, managers } = this.#deps;
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
    const run: Run = { message, name, choice, expired, signal, over, retryable: new Set(), final: new Set() };
    this.#live.set(messageId, run);
    const backoff = new Backoff(this.#deps.retryBackoff ?? { baseMs: 1_000, capMs: 60_000 });
    const notice: { timer?: ReturnType<typeof setTimeout> } = {};
    try {
      // At start-up, mechanisms still coming up are given time, so that the policy is not computed too
      // early; one that drops later is not waited for here: the manager moves on to an active one at
      // once, and only when nothing is left does the message wait for it (#waitForWay).
      const starting = contacts().mechanismsOf(contact.id).filter((m) => !this.#everActive.has(m));
      await registry.settled(starting, this.#deps.settleMs ?? 15_000, signal);
      for (;;) {
        if (endedBy(signal) === 'stopped') return; // nothing more is tried: it stays in the outbox as it is
        let result = signal.aborted || expired() ? undefined : await this.#round(run, managers.get(run.choice.manager) ?? plugin);
        const ending = endedBy(signal);
        // Stopping is no outcome: short of delivered, the message stays in the outbox as it is.
        if (ending === 'stopped' && result?.outcome !== 'delivered') return;
        if (ending === 'confirmed') return this.#confirmed(run);
        if (ending === 'cancelled') return this.#finish(store.get(messageId) ?? message, { outcome: 'failed', tried: 0 }, name, 'Not delivered: you cancelled it.', false);
        if (!result || (ending === 'expired' && result.outcome !== 'delivered')) result = { outcome: 'expired' };
        // A failure with ways still coming back is no failure yet: the message waits for them.
        if (result.outcome === 'failed' && (await this.#waitForWay(run, backoff, notice))) continue;
        return this.#finish(store.get(messageId) ?? message, result, name);
      }
    } finally {
      clearTimeout(notice.timer);
      clearTimeout(expiry);
      over.abort('ended' satisfies Ending);
      this.#live.delete(messageId);
      this.#closeUnanswered(run);
    }
  }

  /** One go of the delivery manager over the policy as it is now; undefined when the delivery's signal fired. */
  async #round(run: Run, plugin: NonNullable<ReturnType<DeliveryManagerStore['get']>>): Promise<DeliveryResult | undefined> {
    run.retryable.clear();
    const job = this.#job(run);
    let offEnded = () => {};
    try {
      const managed = Promise.resolve()
        .then(() => plugin.create().deliver(job))
        .catch((error: unknown): DeliveryResult | Promise<DeliveryResult> => {
          const why = error instanceof Error ? error.message : String(error);
          this.#deps.log.error(`delivery manager ${run.choice.manager} failed on ${run.message.id}: ${why}`);
          const fallback = this.#fallBack(run, plugin, why);
          return fallback ? fallback.create().deliver(this.#job(run)) : { outcome: 'failed', tried: 1 };
        })
        .catch((error: unknown): DeliveryResult => {
          this.#deps.log.error(`the built-in delivery manager failed on ${run.message.id}: ${error instanceof Error ? error.message : String(error)}`);
          return { outcome: 'failed', tried: 1 };
        });
      // Expiry (or stopping, a cancel, proof of delivery) ends the round whatever the manager is doing: a hung plugin cannot hold it.
      const ended = new Promise<undefined>((resolve) => (offEnded = onAbort(run.signal, () => resolve(undefined))));
      return await Promise.race([managed, ended]);
    } finally {
      offEnded();
    }
  }

  /**
   * A manager that failed (threw, crashed, stopped answering, left the message idle) hands the message
   * to the built-in sequential manager at once, for the rest of its delivery; the diagnostics say why.
   * Undefined when the one that failed is the built-in one itself.
   */
  #fallBack(run: Run, failed: DeliveryManagerPlugin, why: string): DeliveryManagerPlugin | undefined {
    const { managers, store } = this.#deps;
    const fallback = managers.get(FALLBACK_MANAGER);
    if (!fallback || failed.id === FALLBACK_MANAGER || run.signal.aborted) return undefined;
    this.#attempts.changed(
      store.beginAttempt({
        messageId: run.message.id,
        manager: run.choice.manager,
        configuration: run.choice.configuration.name,
        mechanism: '',
        outcome: 'failed',
        detail: `${why}; the built-in delivery manager took the message over`,
      }),
    );
    run.choice = { ...run.choice, manager: FALLBACK_MANAGER };
    store.update(run.message.id, { manager: FALLBACK_MANAGER });
    return fallback;
  }

  /**
   * After a failed round: when the ways left are reconnecting (or failed in a way a retry can mend),
   * the message waits — state "waiting", no failure told — until one comes back, a back-off passes,
   * the sender says "Retry now", or the delivery's signal fires. True: go round again; false: nothing
   * is left to wait for.
   */
  async #waitForWay(run: Run, backoff: Backoff, notice: { timer?: ReturnType<typeof setTimeout> }): Promise<boolean> {
    const { registry } = this.#deps;
    let ways = this.#waitable(run);
    if (nothingToWaitFor(ways)) return false;
    this.#setState(run, 'waiting');
    if (run.message.expiresAt === undefined) notice.timer ??= setTimeout(() => this.#stillTrying(run), this.#deps.settings().waitNoticeMinutes * 60_000);
    const comingBack = new Set(ways.connecting);
    for (;;) {
      const poke = (run.poke = new AbortController());
      const wake = AbortSignal.any([run.signal, poke.signal]);
      if (ways.retry.length) {
        await delay(backoff.next(), wake);
        break;
      }
      await nextChange((listener) => registry.onChange(listener), wake);
      if (wake.aborted) break;
      ways = this.#waitable(run);
      if ([...comingBack].some((m) => registry.status(m)?.state === 'active')) break;
      if (nothingToWaitFor(ways)) return false;
      for (const m of ways.connecting) comingBack.add(m);
    }
    run.poke = undefined;
    if (!run.signal.aborted) this.#setState(run, 'sending');
    return true;
  }

  #waitable(run: Run): Waitable {
    const { contacts, registry, store } = this.#deps;
    return waitable({
      steps: run.choice.configuration.steps.map((s) => s.mechanism),
      recipient: contacts().mechanismsOf(run.message.contactId),
      state: (m) => registry.status(m)?.state,
      settled: (m) => run.final.has(m) || store.bestOutcome(run.message.id, m) !== undefined,
      retryable: run.retryable,
    });
  }

  /** Told once, to a message without expiry that has waited long: not delivered yet, still trying. */
  #stillTrying(run: Run): void {
    if (this.#live.get(run.message.id) !== run || run.signal.aborted) return;
    this.#deps.events.emit('delivery:stillTrying', {
      messageId: run.message.id,
      contactId: run.message.contactId,
      contactName: run.name,
      reason: `Not delivered yet to ${run.name}: no way of reaching them is connected. Still trying.`,
    });
  }

  #setState(run: Run, state: MessageState): void {
    const updated = this.#deps.store.update(run.message.id, { state });
    if (updated) this.#tell(updated);
  }

  /** Evidence of delivery during a delivery: it ends now, as delivered, and no question about it stays open. */
  #confirm(run: Run, mechanism: MechanismId, replied: boolean): void {
    if (run.signal.aborted) return;
    run.confirmed = { mechanism, replied };
    this.#prompts.withdraw(run.message.id);
    run.over.abort('confirmed' satisfies Ending);
  }

  #confirmed(run: Run): void {
    const best = this.#best(run.message.id);
    const level = run.confirmed?.replied ? furthest(best?.level, 'delivered')! : (best?.level ?? 'accepted');
    this.#succeed(run.message.id, stateOf(level));
  }

  /** A message from a contact: the messages to them it answers, that reached a server, are delivered. */
  #replied(incoming: MessageView): void {
    if (this.#shutdown.signal.aborted) return;
    for (const message of this.#deps.store.unanswered(incoming.contactId, incoming.at)) {
      const best = this.#best(message.id);
      if (!best) continue; // nothing of it reached a server: the reply does not answer it
      const live = this.#live.get(message.id);
      if (live) this.#confirm(live, best.mechanism, true);
      else this.#evidence(message.id, furthest(best.level, 'delivered')!);
    }
  }

  /** The furthest any attempt of this message got, and where. */
  #best(messageId: string): { level: Evidence; mechanism: MechanismId } | undefined {
    let best: { level: Evidence; mechanism: MechanismId } | undefined;
    for (const a of this.#deps.store.attempts(messageId)) {
      if (a.outcome !== 'accepted' && a.outcome !== 'delivered' && a.outcome !== 'read') continue;
      if (!best || furthest(best.level, a.outcome) !== best.level) best = { level: a.outcome, mechanism: a.mechanism };
    }
    return best;
  }

  /**
   * Evidence about a message whose delivery is over moves it forward, never back; a failure it proves
   * wrong is cleared and taken back (in the window and the notification).
   */
  #evidence(messageId: string, evidence: Evidence): void {
    const message = this.#deps.store.get(messageId);
    // A message in the outbox of a stopped delivery is taken up by the next start, which sees the attempts.
    if (!message || message.direction !== 'out' || message.state === 'sending' || message.state === 'waiting') return;
    const next = forward(message.state, evidence);
    if (next) this.#succeed(messageId, next);
  }

  #succeed(messageId: string, state: MessageState): void {
    const { store, events } = this.#deps;
    const before = store.get(messageId);
    const updated = store.update(messageId, { state, failure: undefined });
    if (!updated) return;
    this.#tell(updated);
    if (before?.state === 'failed') {
      // The window drops its notice; the Electron shell closes its notification on the same event.
      store.afterCommit(() => events.emit('delivery:withdrawn', { messageId, contactId: updated.contactId }));
    }
  }

  /** Once a delivery is over, no attempt of it stays pending: a send still unanswered is marked so. */
  #closeUnanswered(run: Run): void {
    if (endedBy(run.signal) === 'stopped') return; // the attempt itself records "interrupted"
    const { store } = this.#deps;
    for (const a of store.attempts(run.message.id)) {
      if (a.outcome !== 'pending') continue;
      store.endAttempt(a.id, endedBy(run.signal) === 'expired' ? 'expired' : 'interrupted', UNANSWERED);
      this.#attempts.changed(a.id);
    }
  }

  /** Runs `then` once the delivery of this message (if one is under way) has finished its bookkeeping. */
  #afterRun(messageId: string, then: () => void): void {
    const running = this.#runs.get(messageId);
    if (running) void running.then(then);
    else then();
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

  #job(run: Run): DeliveryJob {
    const { contacts, registry, log } = this.#deps;
    const { message, name, choice, expired, signal } = run;
    return {
      message: { id: message.id, contactName: name, priority: message.priority, ...(message.expiresAt !== undefined && { expiresAt: message.expiresAt }) },
      configuration: choice.configuration,
      policy: () => this.#policy(message.contactId, choice.configuration.steps),
      // Once the delivery is over nothing a manager says is recorded: a question withdrawn at shutdown was not declined.
      skip: (step, why) => void (signal.aborted || this.#attempts.record(run, step, 'skipped', why)),
      presence: (mechanism) => this.#attempts.presenceOn(message, mechanism),
      receipts: (mechanism) => registry.plugin(mechanism)?.capabilities.receipts ?? false,
      ask: () => this.#ask(message, name, signal),
      expired,
      log,
      attempt: (step) => this.#track(this.#attempts.run(run, step)),
    };
  }

  #ask(message: MessageView, name: string, signal: AbortSignal): Promise<boolean> {
    const urgency = message.priority === 'urgent' ? 'It is urgent.' : 'It is not urgent.';
    // Expiry, stopping or proof of delivery withdraws the question (the window hears it answered); a stop is no "no".
    return this.#prompts.ask(
      { messageId: message.id, contactId: message.contactId, question: `${name} has not been reached yet. ${urgency} Try a more intrusive way to reach them?` },
      signal,
    );
  }

  /** Records the end of a delivery; `failure` overrides the sentence the outcome would give; `tell: false` for the sender's own cancel. */
  #finish(message: MessageView, result: DeliveryResult, name: string, failure?: string, tell = true): void {
    const { store, events, notify } = this.#deps;
    if (result.outcome === 'delivered') return this.#succeed(message.id, stateOf(store.bestOutcome(message.id, result.mechanism) ?? 'accepted'));
    const reasons = {
      failed:
        result.outcome === 'failed' && result.tried === 0
          ? `${name} cannot be reached right now: none of the ways to reach them is connected.`
          : `${name} could not be reached: every way of reaching them failed.`,
      declined: `Not delivered: you chose not to try another way of reaching ${name}.`,
      expired: `Not delivered: the message expired before ${name} could be reached.`,
    };
    const reason = failure ?? reasons[result.outcome];
    const updated = store.update(message.id, { state: 'failed', failure: reason });
    if (!updated) return;
    this.#tell(updated);
    if (!tell) return;
    const told: DeliveryFailure = { messageId: message.id, contactId: message.contactId, contactName: name, reason };
    store.afterCommit(() => {
      events.emit('delivery:failed', told);
      notify(told);
    });
  }
}

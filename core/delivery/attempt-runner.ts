// One step of one delivery: sends on the step's mechanism where the message was not accepted yet
// (saying so when an earlier send there has an unknown fate, so that the mechanism can look before
// sending a second copy), verifies as the step says, and records every attempt for the diagnostics.
// A server's answer that comes after the delivery ended is recorded too, and passed on as evidence.
import type { MechanismId, MessageView, PresenceShow } from '../../shared/domain';
import type { AttemptResult, DeliveryStep } from '../../shared/delivery';
import type { Logger, ResendNote } from '../../shared/mechanism';
import { ABORTED, unlessAborted } from '../abort';
import type { ContactDirectory } from '../contacts/directory';
import type { CoreEvents } from '../events';
import type { MechanismRegistry } from '../mechanisms/registry';
import type { MessageStore } from '../messages/store';
import type { PresenceService } from '../presence/service';
import type { DeliveryChoice } from './choose';
import type { Evidence } from './evidence';
import type { ReceiptWaiter } from './receipt-waiter';

/**
 * Why a delivery's signal fired: Switchboard is stopping, the message expired, the sender cancelled it,
 * evidence proved it delivered (a receipt, a reply), or the delivery is over.
 */
export type Ending = 'stopped' | 'expired' | 'cancelled' | 'confirmed' | 'ended';
export const endedBy = (signal: AbortSignal): Ending | undefined => (signal.aborted ? (signal.reason as Ending) : undefined);

/** A delivery under way, as its attempts and waits see it. */
export interface Run {
  readonly message: MessageView;
  readonly name: string;
  /** Changes once if its manager fails: the built-in one then takes the message over. */
  choice: DeliveryChoice;
  readonly expired: () => boolean;
  readonly signal: AbortSignal;
  readonly over: AbortController;
  /** Mechanisms whose last send failed in a way a retry can mend (this round). */
  readonly retryable: Set<MechanismId>;
  /** Mechanisms whose send failed for good (no such user, refused). */
  readonly final: Set<MechanismId>;
  /** What proved the message delivered while it ran, if anything did. */
  confirmed?: { readonly mechanism: MechanismId; readonly replied: boolean };
  /** Fires to end a wait for a way at once ("Retry now"). */
  poke?: AbortController;
}
/** What an attempt cut short by stop() tells its delivery manager; it is not a failure. */
export const stopping: AttemptResult = { ok: false, reason: 'Switchboard is stopping', final: false };
/** The detail of an attempt whose send was unanswered when its delivery ended: its fate is unknown. */
export const UNANSWERED = 'the delivery ended before the server answered';
const noteWords: Record<ResendNote, string> = { 'found-in-archive': 'found in the archive, not sent again', 'possibly-duplicated': 'possibly duplicated' };

export interface AttemptDeps {
  readonly contacts: () => ContactDirectory;
  readonly registry: MechanismRegistry;
  readonly presence: PresenceService;
  readonly store: MessageStore;
  readonly events: CoreEvents;
  readonly receipts: ReceiptWaiter;
  readonly senderName: () => string | undefined;
  readonly log: Logger;
  /** Fires on stop(): the only thing that cuts a send short. */
  readonly shutdown: AbortSignal;
  /** A server accepted a send after its delivery ended. */
  readonly late: (messageId: string, evidence: Evidence) => void;
}

export class AttemptRunner {
  readonly #deps: AttemptDeps;

  constructor(deps: AttemptDeps) {
    this.#deps = deps;
  }

  /** One step: sends where the message was not accepted yet, then verifies as the step says. */
  async run(run: Run, step: DeliveryStep): Promise<AttemptResult> {
    const { contacts, registry, store, log } = this.#deps;
    const { message, choice, expired, signal } = run;
    if (endedBy(signal) === 'stopped') return stopping; // the next start takes this step up
    if (expired() || endedBy(signal) === 'expired') {
      this.record(run, step, 'expired', 'the message expired before this step');
      return { ok: false, reason: 'the message expired', final: true };
    }
    if (signal.aborted) return { ok: false, reason: 'the delivery is over', final: true };
    const mechanism = step.mechanism;
    if (!store.bestOutcome(message.id, mechanism)) {
      const to = contacts().address(message.contactId, mechanism);
      if (!to) {
        this.record(run, step, 'failed', 'no address on this mechanism');
        run.final.add(mechanism);
        return { ok: false, reason: 'no address there', final: true };
      }
      if (step.verify === 'available' && this.presenceOn(message, mechanism) !== 'available') {
        this.record(run, step, 'failed', 'the recipient is not shown available there');
        return { ok: false, reason: 'the recipient is not shown available there', final: false };
      }
      // An earlier send there whose fate is unknown (cut short, unanswered) may have arrived: the
      // mechanism checks where it can, rather than sending a second copy.
      const unknown = store
        .attempts(message.id)
        .filter((a) => a.mechanism === mechanism && (a.fateUnknown || a.outcome === 'interrupted' || a.outcome === 'pending' || (a.outcome === 'expired' && a.detail === UNANSWERED)));
      const resend = unknown.length > 0;
      const attemptId = store.beginAttempt({ messageId: message.id, manager: choice.manager, configuration: choice.configuration.name, mechanism });
      this.changed(attemptId);
      // The attempt is on disk before a byte leaves: a crash after this finds it and looks before resending.
      try {
        await store.durable();
      } catch (error) {
        log.error(`the attempt for ${message.id} could not be saved, so it is not sent: ${error instanceof Error ? error.message : String(error)}`);
        return stopping;
      }
      const senderName = this.#deps.senderName();
      const sending = registry.send(mechanism, to.address, {
        id: message.id,
        body: message.body,
        addressSettings: to.settings,
        ...(senderName !== undefined && { senderName }),
        ...(resend && { resend: true, firstSentAt: Math.min(...unknown.map((a) => a.startedAt)), lastSentAt: Math.max(...unknown.map((a) => a.endedAt ?? Date.now())) }),
      });
      // Only stopping cuts a send short; its answer after the delivery ended is still evidence. What the
      // server did with a send cut short is unknown: the next start sends again, with the same id.
      // Through a signal of its own made from the shutdown signal: AbortSignal.any adds no listener to
      // its source, so a thousand sends in flight do not pile a thousand listeners on one signal.
      const outcome = await unlessAborted(sending, AbortSignal.any([this.#deps.shutdown]));
      if (outcome === ABORTED) {
        store.endAttempt(attemptId, 'interrupted', 'Switchboard stopped before the server confirmed the message');
        this.changed(attemptId);
        return stopping;
      }
      const late = signal.aborted;
      if (outcome.ok) {
        const note = outcome.note && noteWords[outcome.note];
        const detail = late ? ['accepted after the delivery ended', note].filter(Boolean).join('; ') : note;
        store.endAttempt(attemptId, outcome.level, detail);
      } else if (store.attempt(attemptId)?.outcome === 'pending') store.endAttempt(attemptId, 'failed', outcome.reason, outcome.maybeSent);
      else store.noteAttempt(attemptId, `${UNANSWERED}; then it failed: ${outcome.reason}`);
      this.changed(attemptId);
      if (late) {
        // The answer came after the delivery ended (an ack after a resumption, after the expiry): evidence.
        if (outcome.ok) this.#deps.late(message.id, outcome.level);
        return outcome.ok ? { ok: true, level: outcome.level } : outcome;
      }
      if (!outcome.ok) {
        (outcome.final ? run.final : run.retryable).add(mechanism);
        return outcome;
      }
    } else {
      log.info(`message ${message.id} was already accepted on ${mechanism}; not sending it there again`);
    }
    if (typeof step.verify === 'object' && store.bestOutcome(message.id, mechanism) === 'accepted') {
      const seconds = step.verify.receiptWithinSeconds;
      const receipt = await this.#deps.receipts.wait(
        message.id,
        () => ['delivered', 'read'].includes(store.bestOutcome(message.id, mechanism) ?? ''),
        seconds * 1000,
        signal,
      );
      const ending = endedBy(signal);
      if (receipt === 'aborted' && ending === 'stopped') {
        // The acceptance stands (the next start does not send again); only the wait for the receipt was cut.
        this.record(run, step, 'interrupted', 'accepted; Switchboard stopped while waiting for the delivery receipt');
        return stopping;
      }
      if (receipt !== 'confirmed') {
        const why = receipt === 'none' ? `no delivery receipt within ${seconds} s` : ending === 'expired' ? 'the message expired before a delivery receipt came' : undefined;
        const accepted = store.attempts(message.id).filter((a) => a.mechanism === mechanism && a.outcome === 'accepted').at(-1);
        if (accepted && why) {
          store.noteAttempt(accepted.id, `accepted, but ${why}`);
          this.changed(accepted.id);
        }
        return { ok: false, reason: why ?? 'the delivery ended before a delivery receipt came', final: receipt === 'aborted' };
      }
    }
    return { ok: true, level: store.bestOutcome(message.id, mechanism)! };
  }

  record(run: Run, step: DeliveryStep, outcome: 'skipped' | 'failed' | 'expired' | 'interrupted', detail: string): void {
    const { message, choice } = run;
    this.changed(
      this.#deps.store.beginAttempt({ messageId: message.id, manager: choice.manager, configuration: choice.configuration.name, mechanism: step.mechanism, outcome, detail }),
    );
  }

  presenceOn(message: MessageView, mechanism: MechanismId): PresenceShow | 'none' {
    const { registry, presence } = this.#deps;
    return registry.plugin(mechanism)?.capabilities.presence ? (presence.show(message.contactId, mechanism) ?? 'offline') : 'none';
  }

  changed(id: number): number {
    const attempt = this.#deps.store.attempt(id);
    if (attempt) this.#deps.store.afterCommit(() => this.#deps.events.emit('diagnostics:attempt', attempt)); // told once kept
    return id;
  }
}

// The interface between the core and a delivery manager plugin. A delivery manager decides, message by
// message, which mechanisms of the delivery policy to try, in what order or at once, and when to ask the
// sender; the core does the sending, the verification, the bookkeeping and the expiry.
import type { MechanismId, PresenceShow, Priority } from './domain';
import type { Logger } from './mechanism';

/** What counts as delivered on a step. */
export type Verification =
  | 'accepted' // the mechanism's server accepted the message
  | 'available' // accepted, and the recipient was shown available on that mechanism
  | { readonly receiptWithinSeconds: number }; // the recipient's device confirmed it in time

export interface DeliveryStep {
  readonly mechanism: MechanismId;
  /** Runs at the same time as the next step rather than before it. */
  readonly parallelWithNext: boolean;
  readonly verify: Verification;
  /** Ask the sender before this step (an intrusive one, such as paging). */
  readonly ask: boolean;
}

/** A named configuration of a delivery manager: its ordered steps. */
export interface DeliveryConfiguration {
  readonly name: string;
  readonly steps: readonly DeliveryStep[];
}

export type AttemptResult =
  | { readonly ok: true; readonly level: 'accepted' | 'delivered' | 'read' }
  | { readonly ok: false; readonly reason: string; readonly final: boolean };

export interface DeliveryJob {
  readonly message: { readonly id: string; readonly contactName: string; readonly priority: Priority; readonly expiresAt?: number };
  readonly configuration: DeliveryConfiguration;
  /**
   * The delivery policy now: the configuration's steps whose mechanism the recipient has an address
   * on and that is active, in the configuration's order. Ask again before each step: it changes.
   */
  policy(): readonly DeliveryStep[];
  /** Sends on the step's mechanism and verifies as the step says. Never rejects; fails once expired. */
  attempt(step: DeliveryStep): Promise<AttemptResult>;
  /** Records that a step was not tried, and why (for the diagnostics view). */
  skip(step: DeliveryStep, why: string): void;
  /** What presence says of the recipient on a mechanism: a show, or 'none' where it has no presence. */
  presence(mechanism: MechanismId): PresenceShow | 'none';
  /** Whether a mechanism can confirm delivery to the recipient's device (receipts, read markers). */
  receipts(mechanism: MechanismId): boolean;
  /** Asks the sender before an intrusive step; false on no, or when the message expires meanwhile. */
  ask(): Promise<boolean>;
  expired(): boolean;
  readonly log: Logger;
}

export type DeliveryResult =
  | { readonly outcome: 'delivered'; readonly mechanism: MechanismId }
  | { readonly outcome: 'failed'; readonly tried: number }
  | { readonly outcome: 'declined' }
  | { readonly outcome: 'expired' };

export interface DeliveryManager {
  deliver(job: DeliveryJob): Promise<DeliveryResult>;
}

export interface DeliveryManagerPlugin {
  readonly kind: 'delivery-manager';
  readonly id: string;
  readonly displayName: string;
  create(): DeliveryManager;
}

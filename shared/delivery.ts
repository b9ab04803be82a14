// The interface between the core and a delivery manager plugin.
// A delivery manager decides, message by message, which mechanisms to try and in what order.
import type { MechanismId } from './domain';
import type { Logger, SendOutcome } from './mechanism';

/** A named configuration of a delivery manager: here, the mechanisms in the order to try them. */
export interface DeliveryConfiguration {
  readonly name: string;
  readonly mechanisms: readonly MechanismId[];
}

export interface DeliveryJob {
  readonly messageId: string;
  readonly contactName: string;
  readonly configuration: DeliveryConfiguration;
  /** The delivery policy as of now: recomputed on each call, so mechanisms that went up or down count. */
  policy(): readonly MechanismId[];
  /** One attempt on one mechanism; never rejects. */
  attempt(mechanism: MechanismId): Promise<SendOutcome>;
  readonly log: Logger;
}

export type DeliveryResult =
  | { readonly delivered: true; readonly mechanism: MechanismId }
  | { readonly delivered: false; readonly reason: string };

export interface DeliveryManager {
  deliver(job: DeliveryJob): Promise<DeliveryResult>;
}

export interface DeliveryManagerPlugin {
  readonly kind: 'delivery-manager';
  readonly id: string;
  readonly displayName: string;
  create(): DeliveryManager;
}

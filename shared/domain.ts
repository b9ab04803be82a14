// Domain types shared by the core, the hosts, the plugins and the renderer.
// Nothing here may import Node, the DOM or Electron: it is the innermost layer.

/** Identifies a delivery mechanism (a messaging system), e.g. "xmpp". Never shown in the conversation. */
export type MechanismId = string;

/** Identifies a logical contact: a person, whatever systems they are on. */
export type ContactId = string;

/** What one mechanism says about one address. "offline" means the mechanism knows the address is not there. */
export type PresenceShow = 'available' | 'away' | 'busy' | 'xa' | 'offline';

/**
 * The glyph of a contact row, aggregated over every mechanism:
 * - available: reachable right now (green square);
 * - unavailable: online somewhere but not immediately available (red circle);
 * - none: no presence information at all (no glyph).
 */
export type Glyph = 'available' | 'unavailable' | 'none';

export const glyphLabels: Readonly<Record<Glyph, string>> = {
  available: 'Available',
  unavailable: 'Online, not available right now',
  none: 'No presence information',
};

/** A contact row as the renderer sees it: no address, account or mechanism in it. */
export interface ContactView {
  readonly id: ContactId;
  readonly name: string;
  readonly glyph: Glyph;
}

export type MessageDirection = 'out' | 'in';

/** sending: handed to a delivery manager; sent: a mechanism accepted it; failed: every mechanism failed; received: incoming. */
export type MessageState = 'sending' | 'sent' | 'failed' | 'received';

/** A message as the renderer sees it. `failure` is a sentence for a person, never a protocol error. */
export interface MessageView {
  readonly id: string;
  readonly contactId: ContactId;
  readonly direction: MessageDirection;
  readonly body: string;
  readonly state: MessageState;
  readonly at: number;
  readonly failure?: string;
}

/** Told to the sender when a message could not be delivered at all. */
export interface DeliveryFailure {
  readonly messageId: string;
  readonly contactId: ContactId;
  readonly contactName: string;
  readonly reason: string;
}

/** Problems the user has to fix (a broken settings file, an account that cannot log in), in plain words. */
export interface AppState {
  readonly problems: readonly string[];
}

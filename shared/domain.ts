// Domain types shared by the core, the hosts, the plugins and the renderer.
// Nothing here may import Node, the DOM or Electron: it is the innermost layer.

/** Identifies a delivery mechanism (a messaging system), e.g. "xmpp". Never shown in the conversation. */
export type MechanismId = string;

/** Identifies a logical contact: a person, whatever systems they are on. */
export type ContactId = string;

/** What one mechanism says about one address. "offline" means the mechanism knows the address is not there. */
export type PresenceShow = 'available' | 'away' | 'busy' | 'xa' | 'offline';

/** How reachable each show says a person is, most first: several devices or addresses add up to the best. */
export const showRank: Readonly<Record<PresenceShow, number>> = { available: 4, away: 3, busy: 2, xa: 1, offline: 0 };

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
  /** The words the person set ("In a meeting"), from their most reachable address that has some. */
  readonly status?: string;
  /** How they are not available, when the glyph is the red circle: the most reachable of their shows. */
  readonly away?: AwayShow;
}

/** The shows behind the red circle, as the conversation header words them. */
export type AwayShow = Exclude<PresenceShow, 'available' | 'offline'>;

export const awayLabels: Readonly<Record<AwayShow, string>> = { away: 'Away', busy: 'Busy, do not disturb', xa: 'Away for a while' };

/** A contact's glyph changed (presence arrives as changes, batched; the whole list only when it changes). */
export interface PresenceChange {
  readonly id: ContactId;
  readonly glyph: Glyph;
  /** The words the person set; absent when they set none (or took them back). */
  readonly status?: string;
  readonly away?: AwayShow;
}

export type MessageDirection = 'out' | 'in';

/**
 * waiting: no way can carry it right now (its mechanisms are reconnecting); it goes when one comes back;
 * sending: in the outbox, a delivery manager is working on it; sent: a mechanism's server accepted it;
 * delivered / read: the recipient's device confirmed it (or they answered); failed ("not delivered"):
 * certain — every step failed finally, it expired, or the sender declined a step or cancelled it;
 * received: an incoming message. Later evidence only ever moves a state forward.
 */
export type MessageState = 'waiting' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export const priorities = ['normal', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

/** The configuration a priority selects when no rule says otherwise: "normal" → "Normal". */
export const configurationNameFor = (priority: Priority): string => priority[0]!.toUpperCase() + priority.slice(1);

/** A message as the renderer sees it. `failure` is a sentence for a person, never a protocol error. */
export interface MessageView {
  readonly id: string;
  readonly contactId: ContactId;
  readonly direction: MessageDirection;
  readonly body: string;
  readonly state: MessageState;
  readonly at: number;
  readonly priority: Priority;
  /** Epoch ms after which no further attempt is made. */
  readonly expiresAt?: number;
  /** The delivery manager the sender chose, if they chose one. */
  readonly chosenManager?: string;
  /** The delivery manager and configuration that took charge (recorded with the message). */
  readonly manager?: string;
  readonly configuration?: string;
  readonly failure?: string;
}

/** A mechanism as the settings screens see it: its id, what kind it is, and whether it can send now. */
export interface MechanismView {
  readonly id: MechanismId;
  readonly kind: string;
  readonly state: 'active' | 'connecting' | 'inactive';
  readonly reason?: string;
  /** What an active account is busy with, in words for the user (catching up on an archive); absent when nothing. */
  readonly activity?: string;
}

/** A kind of mechanism an account can be made for, with the fields its settings screen shows. */
export interface AccountKindView {
  readonly kind: string;
  readonly name: string;
  readonly fields: readonly { key: string; label: string; kind: 'text' | 'secret' | 'number'; required: boolean }[];
}

/** A delivery manager the sender may choose from, by its display name. */
export interface DeliveryManagerView {
  readonly id: string;
  readonly name: string;
}

/** A question to the sender before an intrusive step. It names the person and urgency, never a mechanism. */
export interface DeliveryPrompt {
  readonly id: string;
  readonly messageId: string;
  readonly contactId: ContactId;
  readonly question: string;
}

/**
 * How an attempt ended. interrupted: Switchboard stopped (quit, or died) before it ended; neither failed
 * nor expired, the next start takes it up again.
 */
export type AttemptOutcome = 'pending' | 'accepted' | 'delivered' | 'read' | 'failed' | 'skipped' | 'declined' | 'expired' | 'interrupted';

/** An outcome as the diagnostics view words it. */
export const attemptOutcomeLabel = (outcome: AttemptOutcome): string => (outcome === 'interrupted' ? 'interrupted by shutdown' : outcome);

/** One attempt of one message on one mechanism, for the diagnostics view (settings, not the conversation). */
export interface AttemptView {
  readonly id: number;
  readonly messageId: string;
  readonly manager: string;
  readonly configuration: string;
  readonly mechanism: MechanismId;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly outcome: AttemptOutcome;
  readonly detail?: string;
  /** The send failed, but the message may have reached the server (it left, and no answer came). */
  readonly fateUnknown?: boolean;
}

/** A message with its attempts, for the diagnostics view. */
export interface DiagnosticsEntry {
  readonly message: MessageView;
  readonly contactName: string;
  readonly attempts: readonly AttemptView[];
}

/** Someone not in the contact list wrote: accept them as a contact or ignore them. Shown in its own panel. */
export interface StrangerView {
  readonly id: string;
  /** The address they wrote from: the user needs it to decide who this is. */
  readonly address: string;
  readonly firstMessage: string;
  readonly at: number;
  /** Offered from one of your accounts' own contact lists rather than by writing to you. */
  readonly suggested: boolean;
  /** The name that list gives them, if any. */
  readonly name?: string;
}

/**
 * The New people panel: the first of those waiting (people who wrote, newest first, then people
 * offered from an account's contact list), and how many wait in all. An account whose list holds
 * thousands sends the page a screenful and a count, never all of them at each change.
 */
export interface NewPeopleView {
  readonly people: readonly StrangerView[];
  readonly total: number;
}

/** How many of those waiting the New people panel is sent (and shows); the rest come as these are settled. */
export const NEW_PEOPLE_SHOWN = 50;

/** Told to the sender when a message could not be delivered at all. */
export interface DeliveryFailure {
  readonly messageId: string;
  readonly contactId: ContactId;
  readonly contactName: string;
  readonly reason: string;
}

/** A failure told earlier that later evidence (a late acknowledgement, a receipt, a reply) proved wrong. */
export interface DeliveryWithdrawn {
  readonly messageId: string;
  readonly contactId: ContactId;
}

/** Asks the window to open one conversation (after a click on a notification). */
export interface FocusRequest {
  readonly contactId: ContactId;
}

/**
 * Said once where there is no OS keychain and some account has a password: the passwords are kept in
 * the settings file, and how to get a keychain. Until the user dismisses it.
 */
export interface KeychainNotice {
  /** The settings file the passwords are kept in. */
  readonly settingsFile: string;
  /** What to do to get a keychain, as a sentence. */
  readonly advice: string;
}

/** Problems the user has to fix (a broken settings file, an account that cannot log in), in plain words. */
export interface AppState {
  readonly problems: readonly string[];
  readonly keychainNotice?: KeychainNotice;
}

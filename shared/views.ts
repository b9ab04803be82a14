// What the window's newer screens are sent: conversation summaries (unread, last message), a person's
// page and link suggestions, accounts as Settings edits them, and the delivery settings with the
// "why this route" preview. Like domain.ts: no Node, DOM or Electron.
import type { ContactId, MechanismId, MechanismView, Priority } from './domain';
import type { Verification } from './delivery';

/** One conversation as the contact list shows it: the last message's first line, when, and how many are unread. */
export interface ConversationSummary {
  readonly contactId: ContactId;
  /** When the last message was written (server time where known). */
  readonly lastAt: number;
  /** The last message's text, cut to a line's worth (at most 120 characters). */
  readonly preview: string;
  readonly lastDirection: 'in' | 'out';
  /** Incoming messages after the last one the user read. */
  readonly unread: number;
}

/** One of a person's addresses, for their page in Settings (the only place addresses are shown). */
export interface PersonAddress {
  readonly mechanism: MechanismId;
  /** The account's kind in words ("Jabber / XMPP"). */
  readonly kindName: string;
  readonly address: string;
}

/** A person as their page in Settings shows them. */
export interface PersonView {
  readonly id: ContactId;
  readonly name: string;
  readonly addresses: readonly PersonAddress[];
}

/**
 * Addresses that look like one person's: two contacts of the same name, or someone in an account's
 * roster with a contact's name. The user accepts (merge / link) or dismisses it; dismissed stays dismissed.
 */
export interface LinkSuggestion {
  readonly id: string;
  /** The contact that would keep the addresses. */
  readonly contactId: ContactId;
  readonly name: string;
  /** What would be joined to it: another contact, or an address offered by an account's roster. */
  readonly other: { readonly kind: 'contact'; readonly contactId: ContactId } | { readonly kind: 'address'; readonly strangerId: string; readonly mechanism: MechanismId; readonly address: string };
  /** Why it is suggested, in words ("Same name in two contact lists"). */
  readonly why: string;
}

/** An account as Settings lists and edits it: its state with a reason a person can act on. */
export interface AccountView extends MechanismView {
  readonly kindName: string;
  readonly enabled: boolean;
  /** The values of its non-secret fields, by field key, for the edit form. */
  readonly values: Readonly<Record<string, string | number>>;
  /** Field keys of the secrets it has saved (shown as "saved", never sent). */
  readonly savedSecrets: readonly string[];
}

/** A step of a configuration as the delivery settings form edits it (the file's short forms expanded). */
export interface StepView {
  readonly mechanism: MechanismId;
  readonly parallelWithNext: boolean;
  readonly verify: Verification;
  readonly ask: boolean;
}

export interface RuleView {
  readonly priority?: Priority;
  readonly expiring?: boolean;
  readonly manager: string;
  readonly configuration?: string;
}

/** The delivery settings, expanded, with what the form offers to choose from. */
export interface DeliverySettingsView {
  readonly managers: Readonly<Record<string, { readonly configurations: Readonly<Record<string, readonly StepView[]>> }>>;
  readonly rules: readonly RuleView[];
  readonly waitNoticeMinutes: number;
  /** The delivery managers installed, by id and name (a configuration may be kept for one not installed). */
  readonly installed: readonly { readonly id: string; readonly name: string }[];
  /** The accounts a step may name, with their kind in words. */
  readonly mechanisms: readonly { readonly id: MechanismId; readonly kindName: string }[];
}

/** Why a mechanism is in the route or out of it. */
export type RouteVerdict = 'included' | 'no-address' | 'not-connected' | 'not-in-configuration' | 'repeated';

export interface RouteStep {
  readonly mechanism: MechanismId;
  readonly kindName: string;
  readonly verdict: RouteVerdict;
  /** The verdict in words ("Not connected now", "Frank has no address there"). */
  readonly why: string;
  /** The step as configured, for the included ones and those left out by the policy. */
  readonly step?: StepView;
}

/** A dry run of the real choice and policy code for one person and urgency, now. */
export interface RoutePreview {
  readonly manager: string;
  readonly managerName: string;
  readonly configuration: string;
  /** Why that manager and configuration were chosen ("The rule for urgent messages", "The default"). */
  readonly chosenBecause: string;
  /** The configuration's steps in order, then the person's other mechanisms, each with its verdict. */
  readonly steps: readonly RouteStep[];
}

/** A plugin found in one of the user's plugin folders, for Settings: whether it serves, and why not. */
export interface UserPluginView {
  readonly kind: 'delivery-manager' | 'mechanism';
  /** Its folder's name in <settings folder>/delivery-managers/ or mechanisms/: what plugins:retry names. */
  readonly folder: string;
  /** From its manifest, once one could be read. */
  readonly name?: string;
  readonly displayName?: string;
  /**
   * running: it serves; restarting: its process ended and it is being started again;
   * turned-off: it stopped too often (a "try again" button: plugins:retry); not-loaded: it could not be loaded.
   */
  readonly state: 'running' | 'restarting' | 'turned-off' | 'not-loaded';
  /** Why it is not running, in words. */
  readonly problem?: string;
}

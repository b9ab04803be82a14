// The interface between the core and a delivery mechanism plugin (XMPP, IRC, e-mail, pager ...).
// A mechanism plugin is a factory, as xmpp.js plugins are: it receives a context and returns start/stop/send.
import type { PresenceShow } from './domain';

export type MechanismStatus =
  /**
   * `activity`: what it is busy with meanwhile, in words for the user ("Catching up on messages from
   * while you were away: 150 so far"); reported again without it when done.
   */
  | { readonly state: 'active'; readonly activity?: string }
  /** `reason`: why the last try failed (the raw error is fine: the core puts it in plain words). */
  | { readonly state: 'connecting'; readonly reason?: string }
  | { readonly state: 'inactive'; readonly reason: string };

/** The reason a status carries, if any. */
export const reasonOf = (status: MechanismStatus): string | undefined => (status.state === 'active' ? undefined : status.reason);

/** What an active mechanism says it is busy with, if anything. */
export const activityOf = (status: MechanismStatus): string | undefined => (status.state === 'active' ? status.activity : undefined);

/**
 * What a send of a message that may have gone before (`OutgoingMessage.resend`) found out:
 * 'found-in-archive' — the server's archive holds it, so it was not sent again;
 * 'possibly-duplicated' — sent again with the same id, with no way to know whether the first copy arrived.
 */
export type ResendNote = 'found-in-archive' | 'possibly-duplicated';

/** What a mechanism says about one send. `final: false` means trying again later may work. */
export type SendOutcome =
  | { readonly ok: true; readonly level: 'accepted' | 'delivered' | 'read'; readonly note?: ResendNote }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly final: boolean;
      /** The message may have reached the server all the same (it left, and no answer came): a resend looks first. */
      readonly maybeSent?: boolean;
    };

export interface OutgoingMessage {
  /** Stable id of the message, passed on so that a peer can drop duplicates. */
  readonly id: string;
  readonly body: string;
  /** The sender's name, for mechanisms that must say who it is from (a pager). */
  readonly senderName?: string;
  /** The recipient's mechanism-specific settings for this address. */
  readonly addressSettings?: Readonly<Record<string, unknown>>;
  /**
   * An earlier attempt on this mechanism may have sent it already (the process died, or the session
   * was lost, before the server confirmed it). A mechanism that can find out (an XMPP archive, a
   * gateway's message id) checks before sending again, and says what it did in the outcome's `note`.
   */
  readonly resend?: boolean;
  /** With `resend`: when the earliest of those sends began (ms since 1970), so that a lookup need go no further back. */
  readonly firstSentAt?: number;
  /** With `resend`: when the latest of those sends ended (or now, if one never did), so that a lookup need go no further forward. */
  readonly lastSentAt?: number;
}

/** A message someone sent us. The ids let the core show a message that came twice (or two ways) once. */
export interface IncomingMessage {
  readonly from: string;
  readonly body: string;
  /** The sender's own id for it (XMPP's XEP-0359 origin-id): the same on every copy, over every mechanism. */
  readonly id?: string;
  /** The id the account's own server gave it (XMPP's stanza-id stamped by our account): the same on each copy that server hands out. */
  readonly serverId?: string;
  /**
   * The user wrote it, on another of their devices (XMPP message carbons): `from` is then the person
   * it was written to, and it shows as sent in their conversation.
   */
  readonly fromOwnDevice?: boolean;
  /** When the server had it (XMPP's XEP-0203 delay, an archive's stamp), epoch ms: it takes its place by that, not by arrival. */
  readonly at?: number;
  /**
   * The mechanism's own name for this copy, by which a read marker names it (XMPP: the stanza's id,
   * which XEP-0333 markers carry): handed back to `markDisplayed`, and named by `readElsewhere`.
   */
  readonly ref?: string;
  /** The sender asked to be told when it is read (XMPP: `<markable/>`, XEP-0333); with `ref`. */
  readonly markable?: boolean;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface MechanismContext {
  /** This mechanism's account settings exactly as found in the settings file; the plugin validates them. */
  readonly account: unknown;
  /** The addresses of every contact on this mechanism, so it can ask for their presence. */
  readonly addresses: () => readonly string[];
  readonly log: Logger;
  status(status: MechanismStatus): void;
  /** What an address says of itself: its show, and the words the person set with it (XMPP <status/>, an IRC away message). */
  presence(address: string, show: PresenceShow, status?: string): void;
  incoming(message: IncomingMessage): void;
  /**
   * Where catching up from the server's archive starts: the id this mechanism last named with
   * `caughtUpTo` (kept across runs), or, where it never did, the newest id that this account's server
   * gave a message the core holds from it (XMPP's stanza-id, which is its archive id).
   */
  lastServerId(): string | undefined;
  /**
   * The mechanism has stored (handed to `incoming`) everything its server's archive holds up to this
   * id, the messages the user sent included: `lastServerId` says so from now on, without a scan of the
   * history. Told after each page of a catch-up, and for each message that comes live once caught up.
   */
  caughtUpTo?(serverId: string): void;
  /** Offers someone from the account's own contact list (an XMPP roster) as a contact to add. */
  suggest(person: { readonly address: string; readonly name?: string }): void;
  /** The recipient's device confirmed a message we sent (a delivery receipt or a read marker). */
  receipt(messageId: string, level: 'delivered' | 'read'): void;
  /**
   * The user read, on another of their devices, what `address` wrote up to the message this mechanism
   * named `ref` (XMPP: a `displayed` marker one of their other clients sent): it is read here too.
   */
  readElsewhere?(address: string, ref: string): void;
}

export interface Mechanism {
  start(): Promise<void>;
  stop(): Promise<void>;
  send(address: string, message: OutgoingMessage): Promise<SendOutcome>;
  /**
   * The contacts' addresses on this mechanism (`MechanismContext.addresses`) changed while it runs: a
   * mechanism with presence asks for the new ones at once (subscribes, MONITORs), rather than at its
   * next connection.
   */
  addressesChanged?(): void;
  /**
   * The user read what `address` wrote, up to the message the mechanism named `ref` (its
   * `IncomingMessage.ref`, one that was `markable`): tells the sender, and the user's other devices,
   * that it was seen (XMPP: one XEP-0333 `displayed` marker, which covers every earlier message too).
   * Rejects when it could not be sent (not connected).
   */
  markDisplayed?(address: string, ref: string): Promise<void>;
}

export interface MechanismCapabilities {
  readonly presence: boolean;
  readonly receipts: boolean;
}

/** A field of a mechanism's account, for the settings screen. Secrets are sealed by the OS keychain where there is one. */
export interface AccountField {
  /** The setting's key in the account; a dotted path for a nested one (IRC's "sasl.password"). */
  readonly key: string;
  readonly label: string;
  readonly kind: 'text' | 'secret' | 'number';
  readonly required: boolean;
  /**
   * Says where the account's secrets are sent (server, port, user name, the CA that vouches for the
   * server ...): when it changes, a saved secret is not reused and must be typed again.
   */
  readonly bindsSecrets?: boolean;
  /** Names a file the plugin reads (a CA certificate): it must be a regular file of at most 1 MB. */
  readonly file?: boolean;
}

export interface MechanismPlugin {
  readonly kind: 'mechanism';
  readonly id: string;
  readonly displayName: string;
  readonly capabilities: MechanismCapabilities;
  /** Normalises an address so that the same person is recognised however the server spells it. */
  normalizeAddress(address: string): string;
  /** The account's fields, for the settings screen. */
  readonly accountFields: readonly AccountField[];
  /** The problems with an account's settings, in words naming the field; none when it can be used. */
  validateAccount(account: unknown): string[];
  /** The problems found reading the files the account names (its `file` fields), in words naming the field. */
  checkAccountFiles?(account: unknown): Promise<string[]>;
  create(context: MechanismContext): Mechanism;
}

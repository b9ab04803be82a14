// The IPC contract: every renderer-to-main request and every main-to-renderer event, declared once.
// Requests carry a runtime schema for their payload (the main side trusts nothing) and a phantom
// result type; events carry only a type because they flow from the trusted side.
import { z } from 'zod';
import { NEW_PEOPLE_SHOWN, priorities } from './domain';
import { deliverySettings } from './settings';
import type { AccountView, ConversationSummary, DeliverySettingsView, LinkSuggestion, PersonView, RoutePreview, UserPluginView } from './views';
import { pluginKinds } from './plugin-manifest';
import type {
  AccountKindView,
  AppState,
  AttemptView,
  ContactView,
  DeliveryFailure,
  DeliveryManagerView,
  DeliveryPrompt,
  DeliveryWithdrawn,
  DiagnosticsEntry,
  FocusRequest,
  MechanismView,
  MessageView,
  NewPeopleView,
  PresenceChange,
} from './domain';

const contactId = z.string().min(1).max(200);
const id = z.string().min(1).max(200);

/** Declares a request: its result type first, then its payload schema. */
const request =
  <R>() =>
  <S extends z.ZodType>(input: S): { readonly input: S; readonly result: R } => ({ input, result: undefined as unknown as R });

/** Declares an event and its payload type. */
function event<P>(): { readonly payload: P } {
  return { payload: undefined as unknown as P };
}

export const requests = {
  'app:state': request<AppState>()(z.strictObject({})),
  /** The user read the keychain notice: it is not shown again, after a restart either. */
  'app:dismissKeychainNotice': request<AppState>()(z.strictObject({})),
  'contacts:list': request<ContactView[]>()(z.strictObject({})),
  /**
   * A page of a conversation, oldest first: the newest `limit` messages, or the `limit` before
   * `before` (the oldest message the window has), so that a long history opens at once.
   */
  /** A person's page in Settings: their name and addresses. */
  'contacts:details': request<PersonView>()(z.strictObject({ contactId })),
  /**
   * Adds a person (no contactId) or changes one: their name and one address per account; an empty
   * address removes it. Applies at once: the list, presence and routes follow without restart.
   */
  'contacts:save': request<PersonView>()(
    z.strictObject({
      contactId: contactId.optional(),
      name: z.string().trim().min(1, 'A person needs a name').max(200),
      addresses: z.record(z.string().min(1).max(32), z.string().trim().max(500)).default({}),
    }),
  ),
  /** Removes a person from the list; their conversation is kept in the database. */
  'contacts:remove': request<null>()(z.strictObject({ contactId })),
  /** Joins `from` into `into`: its addresses and its conversation; `from` is removed. */
  'contacts:merge': request<PersonView>()(z.strictObject({ into: contactId, from: contactId })),
  'contacts:suggestions': request<LinkSuggestion[]>()(z.strictObject({})),
  'contacts:acceptSuggestion': request<PersonView>()(z.strictObject({ suggestionId: id })),
  'contacts:dismissSuggestion': request<null>()(z.strictObject({ suggestionId: id })),
  /** Every conversation that has a message: last message, time, unread count. */
  'conversations:summaries': request<ConversationSummary[]>()(z.strictObject({})),
  /** The user has read a conversation up to its newest message. */
  'conversations:read': request<null>()(z.strictObject({ contactId })),
  'messages:list': request<MessageView[]>()(
    z.strictObject({
      contactId,
      limit: z.number().int().positive().max(5000).default(200),
      before: z.strictObject({ at: z.number().int().nonnegative(), id }).optional(),
    }),
  ),
  'messages:send': request<MessageView>()(
    z.strictObject({
      contactId,
      body: z.string().trim().min(1, 'A message cannot be empty').max(20_000),
      priority: z.enum(priorities).default('normal'),
      /** Seconds from now after which the message is no longer worth delivering. */
      expiresInSeconds: z.number().int().positive().max(60 * 60 * 24 * 30).optional(),
      /** A delivery manager chosen by the sender; otherwise the rules choose. */
      manager: z.string().min(1).max(100).optional(),
    }),
  ),
  /** One message to several people: each gets their own copy, delivered on its own, in their conversation. */
  'messages:sendMany': request<MessageView[]>()(
    z.strictObject({
      contactIds: z.array(contactId).min(1).max(100),
      body: z.string().trim().min(1, 'A message cannot be empty').max(20_000),
      priority: z.enum(priorities).default('normal'),
      expiresInSeconds: z.number().int().positive().max(60 * 60 * 24 * 30).optional(),
      manager: z.string().min(1).max(100).optional(),
    }),
  ),
  /** Sends a failed message again; a waiting one is tried now. */
  'messages:retry': request<MessageView>()(z.strictObject({ messageId: id })),
  /** Stops trying a message that is waiting or being sent: it ends as not delivered. */
  'messages:cancel': request<MessageView>()(z.strictObject({ messageId: id })),
  'mechanisms:list': request<MechanismView[]>()(z.strictObject({})),
  'accounts:kinds': request<AccountKindView[]>()(z.strictObject({})),
  /** Creates or changes an account; a secret left empty keeps the one already saved. */
  'accounts:save': request<MechanismView[]>()(
    z.strictObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'A name for the account: lower-case letters, digits and dashes'),
      kind: z.string().min(1).max(50),
      values: z.record(z.string().min(1).max(50), z.union([z.string().max(2000), z.number()])),
    }),
  ),
  /** The accounts as Settings edits them, with each one's state and reason. */
  'accounts:list': request<AccountView[]>()(z.strictObject({})),
  /** A disabled account is kept in the settings but not connected. */
  'accounts:setEnabled': request<AccountView[]>()(z.strictObject({ id: z.string().min(1).max(32), enabled: z.boolean() })),
  /** Connects an account again now, without waiting for its back-off ("Try now"). */
  'accounts:reconnect': request<AccountView[]>()(z.strictObject({ id: z.string().min(1).max(32) })),
  'accounts:remove': request<MechanismView[]>()(z.strictObject({ id: z.string().min(1).max(32) })),
  'delivery:managers': request<DeliveryManagerView[]>()(z.strictObject({})),
  /** The delivery managers' configurations and the rules that choose them, as the form edits them. */
  'delivery:settings': request<DeliverySettingsView>()(z.strictObject({})),
  /** Saves the delivery settings whole, after checking that every step names an account and every rule a manager. */
  'delivery:saveSettings': request<DeliverySettingsView>()(deliverySettings),
  /** "Why this route": a dry run of the real choice and policy for a person and urgency, now. */
  'delivery:preview': request<RoutePreview>()(
    z.strictObject({ contactId, priority: z.enum(priorities).default('normal'), expiring: z.boolean().default(false), manager: z.string().min(1).max(100).optional() }),
  ),
  /** The plugins in the user's plugin folders (delivery managers and mechanisms), each with its state. */
  'plugins:list': request<UserPluginView[]>()(z.strictObject({})),
  /** Loads a plugin again now ("Try again"), one turned off after crashing included. */
  'plugins:retry': request<UserPluginView[]>()(z.strictObject({ kind: z.enum(pluginKinds), folder: z.string().min(1).max(200) })),
  'delivery:prompts': request<DeliveryPrompt[]>()(z.strictObject({})),
  'delivery:answer': request<null>()(z.strictObject({ promptId: id, send: z.boolean() })),
  'diagnostics:list': request<DiagnosticsEntry[]>()(z.strictObject({ limit: z.number().int().positive().max(500).default(50) })),
  'strangers:list': request<NewPeopleView>()(z.strictObject({ limit: z.number().int().positive().max(5000).default(NEW_PEOPLE_SHOWN) })),
  'strangers:accept': request<ContactView>()(z.strictObject({ strangerId: id, name: z.string().trim().min(1).max(200) })),
  'strangers:ignore': request<null>()(z.strictObject({ strangerId: id })),
} as const;

export const events = {
  'app:changed': event<AppState>(),
  /** The list itself changed (a contact added, renamed, removed): the whole list, with glyphs. */
  'contacts:changed': event<ContactView[]>(),
  /** Glyphs that changed, gathered over at most 50 ms: never the whole list for one person's change. */
  'contacts:presence': event<PresenceChange[]>(),
  /** Link suggestions changed (a roster arrived, a contact was renamed, one was accepted or dismissed). */
  'contacts:suggestionsChanged': event<LinkSuggestion[]>(),
  /** Summaries that changed (a message came or went, a conversation was read), gathered like presence. */
  'conversations:changed': event<ConversationSummary[]>(),
  /** An account's state, settings or enabled flag changed: the whole list (there are a handful). */
  'accounts:changed': event<AccountView[]>(),
  /** A kind of account came or went (a mechanism plugin dropped into its folder, or removed): the kinds now. */
  'accounts:kindsChanged': event<AccountKindView[]>(),
  'messages:changed': event<MessageView>(),
  'delivery:failed': event<DeliveryFailure>(),
  /** A failure told earlier was proved wrong by later evidence: the window and the notification take it back. */
  'delivery:withdrawn': event<DeliveryWithdrawn>(),
  /** A message without expiry has waited long for a way to carry it: told once; it goes on trying. */
  'delivery:stillTrying': event<DeliveryFailure>(),
  'mechanisms:changed': event<MechanismView[]>(),
  /** An attempt began, ended or was upgraded by a receipt (for the diagnostics view). */
  'diagnostics:attempt': event<AttemptView>(),
  'delivery:prompted': event<DeliveryPrompt>(),
  'delivery:answered': event<{ promptId: string }>(),
  'delivery:managersChanged': event<DeliveryManagerView[]>(),
  /** A user's plugin was loaded, failed, crashed, was turned off or removed: all of them now. */
  'plugins:changed': event<UserPluginView[]>(),
  'strangers:changed': event<NewPeopleView>(),
  'conversation:focus': event<FocusRequest>(),
} as const;

export type RequestName = keyof typeof requests;
export type EventName = keyof typeof events;
export type RequestInput<K extends RequestName> = z.input<(typeof requests)[K]['input']>;
export type RequestPayload<K extends RequestName> = z.output<(typeof requests)[K]['input']>;
export type RequestResult<K extends RequestName> = (typeof requests)[K]['result'];
export type EventPayload<K extends EventName> = (typeof events)[K]['payload'];

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

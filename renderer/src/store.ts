// The renderer's state (zustand): contacts with their glyphs, conversations, questions from delivery
// managers, new people who wrote, and the settings screen's data. Everything arrives through the
// contract's API; nothing here knows which host carries it.
import { create } from 'zustand';
import type {
  AccountKindView,
  ContactId,
  ContactView,
  DeliveryManagerView,
  DeliveryPrompt,
  DiagnosticsEntry,
  KeychainNotice,
  MechanismView,
  MessageView,
  Priority,
  StrangerView,
} from '../../shared/domain';
import type { Result } from '../../shared/result';
import { HISTORY_PAGE } from '../../shared/history';
import { api } from './api';

export interface SendOptions {
  priority: Priority;
  expiresInSeconds?: number;
  manager?: string;
}

interface State {
  view: 'conversations' | 'settings';
  /**
   * The contacts, normalized: their ids in the list's order, and each record by id. A presence change
   * replaces only the records it concerns; the list (which reads the ids) does not render again for
   * it, only the rows whose record changed.
   */
  contactIds: readonly ContactId[];
  contactsById: Readonly<Record<ContactId, ContactView>>;
  selected: ContactId | undefined;
  /** The loaded part of each conversation, oldest first: the newest page on open, older pages on request. */
  messages: Record<ContactId, MessageView[]>;
  /** Whether a conversation has older messages than those loaded. */
  older: Record<ContactId, boolean>;
  /** Loads the page before the oldest loaded message of the open conversation. */
  loadOlder(): Promise<void>;
  problems: readonly string[];
  /** Where there is no keychain: where the passwords are kept, until the user dismisses it. */
  keychainNotice: KeychainNotice | undefined;
  managers: DeliveryManagerView[];
  prompts: DeliveryPrompt[];
  /** The first of the new people waiting, and how many wait in all (the panel is sent a screenful, not thousands). */
  strangers: readonly StrangerView[];
  strangersWaiting: number;
  mechanisms: MechanismView[];
  diagnostics: DiagnosticsEntry[];
  accountKinds: AccountKindView[];
  /** Saves an account; resolves with the reason when it was refused. */
  saveAccount(id: string, kind: string, values: Record<string, string>): Promise<string | undefined>;
  /** The last thing that went wrong talking to the core, shown until the next success. */
  error: string | undefined;
  /** The latest delivery failure, told to the sender whichever conversation is open (taken back if proved wrong). */
  notice: { contactId: ContactId; messageId: string; text: string } | undefined;
  /** Messages that have waited long for a way, by id: "not delivered yet, still trying". */
  stillTrying: Record<string, string>;
  dismissNotice(): void;
  select(id: ContactId): Promise<void>;
  send(body: string, options: SendOptions): Promise<boolean>;
  retry(messageId: string): Promise<void>;
  cancel(messageId: string): Promise<void>;
  answer(promptId: string, send: boolean): Promise<void>;
  accept(strangerId: string, name: string): Promise<void>;
  ignore(strangerId: string): Promise<void>;
  openSettings(): Promise<void>;
  closeSettings(): void;
}

const inOrder = (a: MessageView, b: MessageView) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A message put in its place: replaced where it is (looked for from the newest end, where changes
 * happen), or inserted by binary search. No sort of the whole conversation per event.
 */
export function upsert(list: readonly MessageView[], message: MessageView): MessageView[] {
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i]!.id !== message.id) continue;
    const next = list.slice();
    next[i] = message;
    return next;
  }
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (inOrder(list[mid]!, message) <= 0) low = mid + 1;
    else high = mid;
  }
  return [...list.slice(0, low), message, ...list.slice(low)];
}

/** A page merged into what is loaded: what the page brings replaces what is there, once each. */
function merge(list: readonly MessageView[], page: readonly MessageView[]): MessageView[] {
  const fresh = new Map(page.map((m) => [m.id, m]));
  return [...list.filter((m) => !fresh.has(m.id)), ...page].sort(inOrder);
}

function value<T>(result: Result<T>, onError: (message: string) => void): T | undefined {
  if (result.ok) return result.value;
  onError(result.error.message);
  return undefined;
}

export const useStore = create<State>()((set, get) => {
  const setError = (error: string) => set({ error });
  /** Conversations whose older page is being fetched: one request at a time each. */
  const loadingOlder = new Set<ContactId>();
  /**
   * A message from the answer to a request (send, retry, cancel): a snapshot of when it was answered.
   * The events raised meanwhile reach the page before the answer and carry every later state, so a
   * message the page already shows is left as those events made it; the answer only adds one it lacks.
   */
  const putAnswered = (message: MessageView) =>
    set((s) => {
      const list = s.messages[message.contactId] ?? [];
      return list.some((m) => m.id === message.id) ? {} : { messages: { ...s.messages, [message.contactId]: upsert(list, message) } };
    });
  return {
    view: 'conversations',
    contactIds: [],
    contactsById: {},
    selected: undefined,
    messages: {},
    older: {},
    problems: [],
    keychainNotice: undefined,
    managers: [],
    prompts: [],
    strangers: [],
    strangersWaiting: 0,
    mechanisms: [],
    diagnostics: [],
    accountKinds: [],
    error: undefined,
    notice: undefined,
    stillTrying: {},
    dismissNotice: () => set({ notice: undefined }),
    async select(id) {
      set({ selected: id, view: 'conversations' });
      const page = value(await api.messages.list({ contactId: id, limit: HISTORY_PAGE }), setError);
      if (page)
        set((s) => ({
          messages: { ...s.messages, [id]: merge(s.messages[id] ?? [], page) },
          // Older pages loaded earlier are still there; otherwise a full page means there may be more.
          older: { ...s.older, [id]: s.older[id] ?? page.length === HISTORY_PAGE },
        }));
    },
    async loadOlder() {
      const id = get().selected;
      const oldest = id ? get().messages[id]?.[0] : undefined;
      if (!id || !oldest || !get().older[id] || loadingOlder.has(id)) return;
      loadingOlder.add(id);
      try {
        const page = value(await api.messages.list({ contactId: id, limit: HISTORY_PAGE, before: { at: oldest.at, id: oldest.id } }), setError);
        if (page) set((s) => ({ messages: { ...s.messages, [id]: merge(s.messages[id] ?? [], page) }, older: { ...s.older, [id]: page.length === HISTORY_PAGE } }));
      } finally {
        loadingOlder.delete(id);
      }
    },
    async send(body, options) {
      const contactId = get().selected;
      if (!contactId) return false;
      const message = value(await api.messages.send({ contactId, body, ...options }), setError);
      if (!message) return false;
      set({ error: undefined });
      putAnswered(message);
      return true;
    },
    async retry(messageId) {
      const message = value(await api.messages.retry({ messageId }), setError);
      if (message) putAnswered(message);
    },
    async cancel(messageId) {
      const message = value(await api.messages.cancel({ messageId }), setError);
      if (message) putAnswered(message);
    },
    async answer(promptId, send) {
      set((s) => ({ prompts: s.prompts.filter((p) => p.id !== promptId) }));
      value(await api.delivery.answer({ promptId, send }), setError);
    },
    async accept(strangerId, name) {
      const contact = value(await api.strangers.accept({ strangerId, name }), setError);
      if (contact) await get().select(contact.id);
    },
    async ignore(strangerId) {
      value(await api.strangers.ignore({ strangerId }), setError);
    },
    async openSettings() {
      set({ view: 'settings' });
      const [diagnostics, mechanisms, kinds] = await Promise.all([api.diagnostics.list({}), api.mechanisms.list({}), api.accounts.kinds({})]);
      set({ diagnostics: value(diagnostics, setError) ?? [], mechanisms: value(mechanisms, setError) ?? [], accountKinds: value(kinds, setError) ?? [] });
    },
    async saveAccount(id, kind, values) {
      const result = await api.accounts.save({ id, kind, values });
      if (!result.ok) return result.error.message;
      set({ mechanisms: result.value });
      return undefined;
    },
    closeSettings: () => set({ view: 'conversations' }),
  };
});

/** The contact list as the store keeps it: ids in order, records by id. */
function normalizedContacts(contacts: readonly ContactView[]): Pick<State, 'contactIds' | 'contactsById'> {
  return { contactIds: contacts.map((c) => c.id), contactsById: Object.fromEntries(contacts.map((c) => [c.id, c])) };
}

/** Loads the first state and follows the core's events. */
export async function connectStore(): Promise<void> {
  const { setState, getState } = useStore;
  const setError = (error: string) => setState({ error });
  api.contacts.onChanged((contacts) => setState(normalizedContacts(contacts)));
  // Presence arrives as changes: only the records whose glyph or status text changed are replaced.
  api.contacts.onPresence((changes) =>
    setState((s) => {
      let byId: Record<ContactId, ContactView> | undefined;
      for (const change of changes) {
        const c = s.contactsById[change.id];
        if (!c || (change.glyph === c.glyph && change.status === c.status)) continue;
        byId ??= { ...s.contactsById };
        byId[change.id] = { name: c.name, ...change }; // a change is the whole of a contact's presence
      }
      return byId ? { contactsById: byId } : {};
    }),
  );
  api.app.onChanged((state) => setState({ problems: state.problems, keychainNotice: state.keychainNotice }));
  api.messages.onChanged((message) =>
    setState((s) => {
      // "Still trying" holds only while the message is still on its way.
      const { [message.id]: _done, ...trying } = s.stillTrying;
      const still = message.state === 'waiting' || message.state === 'sending';
      return {
        messages: { ...s.messages, [message.contactId]: upsert(s.messages[message.contactId] ?? [], message) },
        diagnostics: s.diagnostics.map((d) => (d.message.id === message.id ? { ...d, message } : d)),
        ...(!still && message.id in s.stillTrying && { stillTrying: trying }),
      };
    }),
  );
  // The diagnostics view follows attempts as they happen: the event carries the attempt itself, so
  // only a message not on screen yet needs the list fetched again.
  api.diagnostics.onAttempt((attempt) => {
    const { view, diagnostics } = getState();
    if (view !== 'settings') return;
    const entry = diagnostics.find((d) => d.message.id === attempt.messageId);
    if (!entry) {
      void api.diagnostics.list({}).then((r) => r.ok && setState({ diagnostics: r.value }));
      return;
    }
    const attempts = [...entry.attempts.filter((a) => a.id !== attempt.id), attempt].sort((a, b) => a.id - b.id);
    setState({ diagnostics: diagnostics.map((d) => (d === entry ? { ...entry, attempts } : d)) });
  });
  api.delivery.onFailed((failure) => setState({ notice: { contactId: failure.contactId, messageId: failure.messageId, text: failure.reason } }));
  // Later evidence proved the failure wrong: its notice goes.
  api.delivery.onWithdrawn(({ messageId }) => setState((s) => (s.notice?.messageId === messageId ? { notice: undefined } : {})));
  api.delivery.onStillTrying(({ messageId, reason }) => setState((s) => ({ stillTrying: { ...s.stillTrying, [messageId]: reason } })));
  api.delivery.onPrompted((prompt) => setState((s) => ({ prompts: [...s.prompts.filter((p) => p.id !== prompt.id), prompt] })));
  api.delivery.onAnswered(({ promptId }) => setState((s) => ({ prompts: s.prompts.filter((p) => p.id !== promptId) })));
  api.delivery.onManagersChanged((managers) => setState({ managers }));
  api.strangers.onChanged(({ people, total }) => setState({ strangers: people, strangersWaiting: total }));
  api.mechanisms.onChanged((mechanisms) => setState({ mechanisms }));
  api.conversation.onFocus(({ contactId }) => void getState().select(contactId));
  const [contacts, state, managers, prompts, strangers] = await Promise.all([
    api.contacts.list({}),
    api.app.state({}),
    api.delivery.managers({}),
    api.delivery.prompts({}),
    api.strangers.list({}),
  ]);
  const newPeople = value(strangers, setError);
  setState({
    ...normalizedContacts(value(contacts, setError) ?? []),
    problems: value(state, setError)?.problems ?? [],
    keychainNotice: state.ok ? state.value.keychainNotice : undefined,
    managers: value(managers, setError) ?? [],
    prompts: value(prompts, setError) ?? [],
    strangers: newPeople?.people ?? [],
    strangersWaiting: newPeople?.total ?? 0,
  });
}

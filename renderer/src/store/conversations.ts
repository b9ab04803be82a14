// The conversations slice: the open conversation, the loaded part of each (the newest page on open,
// older pages as the reader scrolls up), sending, retrying and cancelling, the questions delivery
// managers ask before an intrusive step, and which messages are still trying to find a way.
import type { ContactId, DeliveryManagerView, DeliveryPrompt, MessageView, Priority } from '../../../shared/domain';
import { HISTORY_PAGE } from '../../../shared/history';
import { api } from '../api';
import { valueOf } from './errors';
import { merge, upsert } from './message-lists';
import type { Slice } from './state';

export interface SendOptions {
  priority: Priority;
  expiresInSeconds?: number;
  manager?: string;
}

export interface ConversationsSlice {
  selected: ContactId | undefined;
  /** A conversation just opened by the user, whose compose box is to take focus (once). */
  focusCompose: ContactId | undefined;
  /** The loaded part of each conversation, oldest first. */
  messages: Record<ContactId, MessageView[]>;
  /** Whether a conversation has older messages than those loaded. */
  older: Record<ContactId, boolean>;
  /** Messages that have waited long for a way, by id: "not delivered yet, still trying". */
  stillTrying: Record<string, string>;
  managers: DeliveryManagerView[];
  prompts: DeliveryPrompt[];
  select(id: ContactId): Promise<void>;
  /** Loads the page before the oldest loaded message of the open conversation. */
  loadOlder(): Promise<void>;
  send(body: string, options: SendOptions): Promise<boolean>;
  retry(messageId: string): Promise<void>;
  cancel(messageId: string): Promise<void>;
  answer(promptId: string, send: boolean): Promise<void>;
}

export const conversationsSlice: Slice<ConversationsSlice> = (set, get) => {
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
    selected: undefined,
    focusCompose: undefined,
    messages: {},
    older: {},
    stillTrying: {},
    managers: [],
    prompts: [],
    async select(id) {
      set({ selected: id, focusCompose: id, view: 'conversations', drawerOpen: false });
      const page = valueOf(await api.messages.list({ contactId: id, limit: HISTORY_PAGE }), setError);
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
        const page = valueOf(await api.messages.list({ contactId: id, limit: HISTORY_PAGE, before: { at: oldest.at, id: oldest.id } }), setError);
        if (page) set((s) => ({ messages: { ...s.messages, [id]: merge(s.messages[id] ?? [], page) }, older: { ...s.older, [id]: page.length === HISTORY_PAGE } }));
      } finally {
        loadingOlder.delete(id);
      }
    },
    async send(body, options) {
      const contactId = get().selected;
      if (!contactId) return false;
      const message = valueOf(await api.messages.send({ contactId, body, ...options }), setError);
      if (!message) return false;
      set({ error: undefined });
      putAnswered(message);
      return true;
    },
    async retry(messageId) {
      const message = valueOf(await api.messages.retry({ messageId }), setError);
      if (message) putAnswered(message);
    },
    async cancel(messageId) {
      const message = valueOf(await api.messages.cancel({ messageId }), setError);
      if (message) putAnswered(message);
    },
    async answer(promptId, send) {
      set((s) => ({ prompts: s.prompts.filter((p) => p.id !== promptId) }));
      valueOf(await api.delivery.answer({ promptId, send }), setError);
    },
  };
};

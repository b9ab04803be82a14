// The renderer's state (zustand): contacts with their glyphs, the open conversation, problems to show.
import { create } from 'zustand';
import type { ContactId, ContactView, MessageView } from '../../shared/domain';
import type { Result } from '../../shared/result';
import { api } from './api';

interface State {
  contacts: ContactView[];
  selected: ContactId | undefined;
  messages: Record<ContactId, MessageView[]>;
  problems: readonly string[];
  /** The last thing that went wrong talking to the core, shown until the next success. */
  error: string | undefined;
  /** The latest delivery failure, told to the sender whichever conversation is open. */
  notice: { contactId: ContactId; text: string } | undefined;
  dismissNotice(): void;
  select(id: ContactId): Promise<void>;
  send(body: string): Promise<boolean>;
}

function upsert(list: readonly MessageView[], message: MessageView): MessageView[] {
  const others = list.filter((m) => m.id !== message.id);
  return [...others, message].sort((a, b) => a.at - b.at);
}

function value<T>(result: Result<T>, onError: (message: string) => void): T | undefined {
  if (result.ok) return result.value;
  onError(result.error.message);
  return undefined;
}

export const useStore = create<State>()((set, get) => {
  const setError = (error: string) => set({ error });
  return {
    contacts: [],
    selected: undefined,
    messages: {},
    problems: [],
    error: undefined,
    notice: undefined,
    dismissNotice: () => set({ notice: undefined }),
    async select(id) {
      set({ selected: id });
      const messages = value(await api.messages.list({ contactId: id }), setError);
      if (messages) set((s) => ({ messages: { ...s.messages, [id]: messages.reduce(upsert, s.messages[id] ?? []) } }));
    },
    async send(body) {
      const contactId = get().selected;
      if (!contactId) return false;
      const message = value(await api.messages.send({ contactId, body }), setError);
      if (!message) return false;
      set((s) => ({ error: undefined, messages: { ...s.messages, [contactId]: upsert(s.messages[contactId] ?? [], message) } }));
      return true;
    },
  };
});

/** Loads the first state and follows the core's events. */
export async function connectStore(): Promise<void> {
  const { setState } = useStore;
  api.contacts.onChanged((contacts) => setState({ contacts }));
  api.app.onChanged((state) => setState({ problems: state.problems }));
  api.messages.onChanged((message) =>
    setState((s) => ({ messages: { ...s.messages, [message.contactId]: upsert(s.messages[message.contactId] ?? [], message) } })),
  );
  api.delivery.onFailed((failure) => setState({ notice: { contactId: failure.contactId, text: failure.reason } }));
  const [contacts, state] = await Promise.all([api.contacts.list({}), api.app.state({})]);
  const setError = (error: string) => setState({ error });
  setState({ contacts: value(contacts, setError) ?? [], problems: value(state, setError)?.problems ?? [] });
}

// Loads the first state from the core and follows its events, each into its slice. Decides whether
// this is a first run (no account and nobody in the list): then the welcome leads the way.
import { api } from '../api';
import { incomingMessage } from '../incoming';
import { normalizedContacts, withPresence } from './contacts';
import { withMessage } from './message-lists';
import { valueOf } from './errors';
import { useStore } from './index';
import { withSummaries } from '../lib/summaries';

export async function connectStore(): Promise<void> {
  const { setState, getState } = useStore;
  const setError = (error: string) => setState({ error });
  api.contacts.onChanged((contacts) => setState(normalizedContacts(contacts)));
  // Presence arrives as changes: only the records whose glyph or status text changed are replaced.
  api.contacts.onPresence((changes) => setState((s) => ({ contactsById: withPresence(s.contactsById, changes) })));
  api.contacts.onSuggestionsChanged((suggestions) => setState({ suggestions }));
  api.conversations.onChanged((changed) => setState((s) => ({ summaries: withSummaries(s.summaries, changed) })));
  api.accounts.onChanged((accounts) => setState({ accounts }));
  api.accounts.onKindsChanged((accountKinds) => setState({ accountKinds }));
  api.plugins.onChanged((plugins) => setState({ plugins }));
  api.app.onChanged((state) => setState({ problems: state.problems, keychainNotice: state.keychainNotice }));
  api.messages.onChanged((message) => {
    const before = getState().messages[message.contactId];
    setState((s) => ({
      ...withMessage(s, message),
      diagnostics: s.diagnostics.map((d) => (d.message.id === message.id ? { ...d, message } : d)),
    }));
    if (message.direction === 'in' && !before?.some((m) => m.id === message.id)) incomingMessage(message);
  });
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
  api.conversation.onFocus(({ contactId }) => void getState().select(contactId));
  const [contacts, state, managers, prompts, strangers, summaries, accounts, suggestions, kinds, plugins] = await Promise.all([
    api.contacts.list({}),
    api.app.state({}),
    api.delivery.managers({}),
    api.delivery.prompts({}),
    api.strangers.list({}),
    api.conversations.summaries({}),
    api.accounts.list({}),
    api.contacts.suggestions({}),
    api.accounts.kinds({}),
    api.plugins.list({}),
  ]);
  const newPeople = valueOf(strangers, setError);
  const list = valueOf(contacts, setError) ?? [];
  const accountList = valueOf(accounts, setError) ?? [];
  setState({
    ...normalizedContacts(list),
    problems: valueOf(state, setError)?.problems ?? [],
    keychainNotice: state.ok ? state.value.keychainNotice : undefined,
    managers: valueOf(managers, setError) ?? [],
    prompts: valueOf(prompts, setError) ?? [],
    strangers: newPeople?.people ?? [],
    strangersWaiting: newPeople?.total ?? 0,
    summaries: withSummaries({}, valueOf(summaries, setError) ?? []),
    accounts: accountList,
    suggestions: valueOf(suggestions, setError) ?? [],
    accountKinds: valueOf(kinds, setError) ?? [],
    plugins: valueOf(plugins, setError) ?? [],
    // Nobody to talk to and no way to reach anyone: a newcomer. The welcome leads through the first account.
    ...(list.length === 0 && accountList.length === 0 && { welcome: 'kind' as const }),
  });
}

// The main window: problems to fix, the latest delivery failure, questions before intrusive steps,
// the contact list with new people, and the conversation or the settings screen.
import { ContactList } from './ContactList';
import { Conversation } from './Conversation';
import { KeychainNotice } from './KeychainNotice';
import { NewPeople } from './NewPeople';
import { PromptDialog } from './PromptDialog';
import { Settings } from './Settings';
import { useStore } from './store';

export function App() {
  const problems = useStore((s) => s.problems);
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.notice);
  const dismiss = useStore((s) => s.dismissNotice);
  const select = useStore((s) => s.select);
  const view = useStore((s) => s.view);
  const openSettings = useStore((s) => s.openSettings);
  return (
    <div className="app">
      {(problems.length > 0 || error) && (
        <div className="problems" role="alert">
          {[...problems, ...(error ? [error] : [])].map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <KeychainNotice />
      {notice && (
        <div className="notice" role="alert">
          <button type="button" className="link" onClick={() => void select(notice.contactId)}>
            {notice.text}
          </button>
          <button type="button" aria-label="Dismiss" onClick={dismiss}>
            ×
          </button>
        </div>
      )}
      <main className="panes">
        <nav className="sidebar">
          <h1>Switchboard</h1>
          <ContactList />
          <NewPeople />
          <button type="button" className="settings-button" onClick={() => void openSettings()}>
            Settings
          </button>
        </nav>
        {view === 'settings' ? <Settings /> : <Conversation />}
      </main>
      <PromptDialog />
    </div>
  );
}

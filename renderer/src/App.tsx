// The main window: problems to fix, the latest delivery failure, the contact list and the conversation.
import { ContactList } from './ContactList';
import { Conversation } from './Conversation';
import { useStore } from './store';

export function App() {
  const problems = useStore((s) => s.problems);
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.notice);
  const dismiss = useStore((s) => s.dismissNotice);
  const select = useStore((s) => s.select);
  return (
    <div className="app">
      {(problems.length > 0 || error) && (
        <div className="problems" role="alert">
          {[...problems, ...(error ? [error] : [])].map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
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
        </nav>
        <Conversation />
      </main>
    </div>
  );
}

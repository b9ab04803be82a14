// The main window: problems to fix, the latest delivery failure, questions before intrusive steps,
// the people (list and new people) and the conversation or Settings; the welcome on a first run.
// It also keeps the theme, the window title's unread count, the read marks and the live region.
import { useEffect } from 'react';
import { AddPersonDialog } from './AddPersonDialog';
import { Conversation } from './Conversation';
import { KeychainNotice } from './KeychainNotice';
import { PromptDialog } from './PromptDialog';
import { Settings } from './Settings';
import { Sidebar } from './Sidebar';
import { useStore } from './store';
import { totalUnread } from './lib/summaries';
import { Welcome } from './Welcome';

/** The theme on the root element: the one chosen, or the system's, followed as it changes. */
function useTheme() {
  const theme = useStore((s) => s.theme);
  useEffect(() => {
    const system = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => (document.documentElement.dataset.theme = theme === 'system' ? (system.matches ? 'dark' : 'light') : theme);
    apply();
    system.addEventListener('change', apply);
    return () => system.removeEventListener('change', apply);
  }, [theme]);
}

/** "(3) Switchboard" while three messages are unread, as every messenger's title says. */
function useTitle() {
  const unread = useStore((s) => totalUnread(s.summaries));
  useEffect(() => {
    document.title = unread ? `(${unread}) Switchboard` : 'Switchboard';
  }, [unread]);
}

/** The open conversation is read while the window has focus: its unread messages are marked read. */
function useReadMarks() {
  const selected = useStore((s) => s.selected);
  const view = useStore((s) => s.view);
  const unread = useStore((s) => (s.selected ? (s.summaries[s.selected]?.unread ?? 0) : 0));
  const markRead = useStore((s) => s.markRead);
  useEffect(() => {
    if (!selected || view !== 'conversations' || !unread) return;
    const mark = () => {
      if (document.hasFocus() && document.visibilityState === 'visible') void markRead(selected);
    };
    mark();
    window.addEventListener('focus', mark);
    return () => window.removeEventListener('focus', mark);
  }, [selected, view, unread, markRead]);
}

export function App() {
  const problems = useStore((s) => s.problems);
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.notice);
  const dismiss = useStore((s) => s.dismissNotice);
  const select = useStore((s) => s.select);
  const view = useStore((s) => s.view);
  const welcome = useStore((s) => s.welcome);
  const announcement = useStore((s) => s.announcement);
  const drawerOpen = useStore((s) => s.drawerOpen);
  // Nothing open beside the list: on a narrow window the list is the whole window.
  const listOnly = useStore((s) => s.view === 'conversations' && !s.selected);
  useTheme();
  useTitle();
  useReadMarks();
  const alerts = [...problems, ...(error ? [error] : [])];
  return (
    <div className="app">
      {alerts.length > 0 && (
        <div className="problems" role="alert">
          {alerts.map((p) => (
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
      {welcome ? (
        <Welcome />
      ) : (
        <main className={`panes${drawerOpen ? ' drawer-open' : ''}${listOnly ? ' list-only' : ''}`}>
          <Sidebar />
          {view === 'settings' ? <Settings /> : <Conversation />}
        </main>
      )}
      {/* Read by screen readers as messages arrive; seen by nobody. */}
      <div className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
      <AddPersonDialog />
      <PromptDialog />
    </div>
  );
}

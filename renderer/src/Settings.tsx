// The settings screen, apart from the conversations: where mechanisms may be named. It shows the
// accounts and whether each can send now, and the diagnostics of recent messages: every attempt
// with its delivery manager, configuration, mechanism, times and outcome.
import { attemptOutcomeLabel } from '../../shared/domain';
import { AccountForm } from './AccountForm';
import { Outside } from './Outside';
import { useStore } from './store';

const time = (at?: number) => (at === undefined ? '—' : new Date(at).toLocaleTimeString());

export function Settings() {
  const mechanisms = useStore((s) => s.mechanisms);
  const diagnostics = useStore((s) => s.diagnostics);
  const close = useStore((s) => s.closeSettings);
  return (
    <section className="settings" aria-label="Settings">
      <header className="settings-header">
        <h2>Settings</h2>
        <button type="button" onClick={close}>
          Back to conversations
        </button>
      </header>
      <h3>Accounts</h3>
      <table aria-label="Accounts">
        <thead>
          <tr>
            <th>Mechanism</th>
            <th>Kind</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {mechanisms.map((m) => (
            <tr key={m.id}>
              <td>{m.id}</td>
              <td>{m.kind}</td>
              <td>{m.state === 'inactive' ? `inactive: ${m.reason ?? ''}` : m.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <AccountForm />
      <h3>Delivery diagnostics</h3>
      {diagnostics.length === 0 && <p>No messages sent yet.</p>}
      {diagnostics.map(({ message, contactName, attempts }) => (
        <article key={message.id} className="diagnostic" aria-label={`Delivery of “${message.body.slice(0, 40)}” to ${contactName}`}>
          <p>
            <strong><Outside>{contactName}</Outside></strong> — “<Outside>{message.body.slice(0, 80)}</Outside>” — {message.state}
            {message.manager && ` — ${message.manager} / ${message.configuration ?? ''}`}
          </p>
          <table aria-label="Attempts">
            <thead>
              <tr>
                <th>Manager</th>
                <th>Configuration</th>
                <th>Mechanism</th>
                <th>Started</th>
                <th>Ended</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.id}>
                  <td>{a.manager}</td>
                  <td>{a.configuration}</td>
                  <td>{a.mechanism}</td>
                  <td>{time(a.startedAt)}</td>
                  <td>{time(a.endedAt)}</td>
                  <td>{a.detail ? `${attemptOutcomeLabel(a.outcome)}: ${a.detail}` : attemptOutcomeLabel(a.outcome)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </section>
  );
}

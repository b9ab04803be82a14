// Settings › Diagnostics: recent messages with every attempt (delivery manager, configuration,
// mechanism, times, outcome). The one place that says which way a message went.
import { attemptOutcomeLabel } from '../../../shared/domain';
import { fullDate } from '../lib/time';
import { Outside } from '../Outside';
import { useStore } from '../store';

const time = (at?: number) => (at === undefined ? '—' : new Date(at).toLocaleTimeString());

export function DiagnosticsPage() {
  const diagnostics = useStore((s) => s.diagnostics);
  return (
    <>
      <h3>Delivery diagnostics</h3>
      {diagnostics.length === 0 && <p>No messages sent yet.</p>}
      {diagnostics.map(({ message, contactName, attempts }) => (
        <article key={message.id} className="diagnostic card" aria-label={`Delivery of “${message.body.slice(0, 40)}” to ${contactName}`}>
          <p>
            <strong>
              <Outside>{contactName}</Outside>
            </strong>{' '}
            — “<Outside>{message.body.slice(0, 80)}</Outside>” — {message.state}
            {message.manager && ` — ${message.manager} / ${message.configuration ?? ''}`} — <span title={fullDate(message.at)}>{time(message.at)}</span>
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
    </>
  );
}

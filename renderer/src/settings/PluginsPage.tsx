// Settings › Plugins: the delivery managers and mechanisms the user dropped into the settings folder,
// each running in its own sandbox, with its state; one turned off after crashing too often has a
// "Try again" button (saving its files again also retries it).
import { useStore } from '../store';

const stateWords = { running: 'Running', restarting: 'Restarting…', 'turned-off': 'Turned off', 'not-loaded': 'Not loaded' } as const;

export function PluginsPage() {
  const plugins = useStore((s) => s.plugins);
  const retry = useStore((s) => s.retryPlugin);
  return (
    <>
      <h3>Your plugins</h3>
      <p className="hint">
        Delivery managers go in the settings folder’s <code>delivery-managers/</code>, mechanisms in <code>mechanisms/</code>, one folder each
        (see docs/plugins.md). Each runs in a sandbox of its own; a change to its folder reloads it.
      </p>
      {plugins.length === 0 && <p>None installed.</p>}
      <ul className="cards" aria-label="Plugins">
        {plugins.map((p) => (
          <li key={`${p.kind}/${p.folder}`} className="card" aria-label={`${p.displayName ?? p.folder} (${p.kind === 'mechanism' ? 'mechanism' : 'delivery manager'})`}>
            <div className="account-head">
              <div>
                <strong>{p.displayName ?? p.folder}</strong> <span className="muted">({p.kind === 'mechanism' ? 'mechanism' : 'delivery manager'}, folder {p.folder})</span>
              </div>
              <span className={`state state-${p.state === 'running' ? 'active' : p.state === 'restarting' ? 'connecting' : 'inactive'}`}>{stateWords[p.state]}</span>
            </div>
            {p.problem && <p className="reason">{p.problem}</p>}
            {(p.state === 'turned-off' || p.state === 'not-loaded') && (
              <div className="form-buttons">
                <button type="button" onClick={() => void retry(p)}>
                  Try again
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

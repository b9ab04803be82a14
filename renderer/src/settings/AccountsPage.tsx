// Settings › Accounts: each account with its state and, when it cannot connect, why in words; change,
// turn off or on, try now, remove (after asking); and add another.
import { useState } from 'react';
import type { AccountView } from '../../../shared/views';
import { AccountForm } from '../AccountForm';
import { Dialog } from '../Dialog';
import { Quoting } from '../Outside';
import { useStore } from '../store';

const stateWords = (a: AccountView): string =>
  !a.enabled ? 'Turned off' : a.state === 'active' ? 'Connected' : a.state === 'connecting' ? 'Connecting…' : 'Not connected';

function AccountCard({ account }: { account: AccountView }) {
  const setEnabled = useStore((s) => s.setAccountEnabled);
  const reconnect = useStore((s) => s.reconnectAccount);
  const remove = useStore((s) => s.removeAccount);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const kinds = useStore((s) => s.accountKinds);
  const kind = kinds.find((k) => k.kind === account.kind);
  return (
    <li className="card account" aria-label={`${account.kindName} account ${account.id}`}>
      <div className="account-head">
        <div>
          <strong>{account.kindName}</strong> <span className="muted">({account.id})</span>
        </div>
        <span className={`state state-${account.enabled ? account.state : 'off'}`}>{stateWords(account)}</span>
      </div>
      {account.reason && account.enabled && account.state !== 'active' && (
        <p className="reason">
          <Quoting>{account.reason}</Quoting>
        </p>
      )}
      {account.activity && account.enabled && account.state === 'active' && (
        <p className="muted" role="status">
          <Quoting>{account.activity}</Quoting>
        </p>
      )}
      <div className="form-buttons">
        <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
          Change
        </button>
        <button type="button" onClick={() => void setEnabled(account.id, !account.enabled)}>
          {account.enabled ? 'Turn off' : 'Turn on'}
        </button>
        {account.enabled && account.state !== 'active' && (
          <button type="button" onClick={() => void reconnect(account.id)}>
            Try now
          </button>
        )}
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove
        </button>
      </div>
      {editing && kind && <AccountForm kind={kind} account={account} onSaved={() => setEditing(false)} onCancel={() => setEditing(false)} />}
      {confirming && (
        <Dialog labelledBy={`remove-${account.id}`} onClose={() => setConfirming(false)}>
          <p id={`remove-${account.id}`}>
            Remove the {account.kindName} account “{account.id}”? People keep their other ways of being reached; their address on this account is kept in case you add it again.
          </p>
          <div className="dialog-buttons">
            <button type="button" className="danger" onClick={() => void remove(account.id).then(() => setConfirming(false))}>
              Remove
            </button>
            <button type="button" data-autofocus onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </Dialog>
      )}
    </li>
  );
}

export function AccountsPage() {
  const accounts = useStore((s) => s.accounts);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <h3>Accounts</h3>
      {accounts.length === 0 && <p>No account yet: add one to reach people.</p>}
      <ul className="cards" aria-label="Accounts">
        {accounts.map((a) => (
          <AccountCard key={a.id} account={a} />
        ))}
      </ul>
      {adding ? (
        <section className="card" aria-label="Add an account">
          <h4>Add an account</h4>
          <AccountForm onSaved={() => setAdding(false)} onCancel={() => setAdding(false)} />
        </section>
      ) : (
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add an account
        </button>
      )}
    </>
  );
}

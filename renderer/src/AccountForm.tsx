// An account's form: the fields come from the mechanism plugin, the required ones first and the rest
// under "More options"; the core validates them and answers with what is wrong in words. Passwords
// are never shown again: left empty, the saved one is kept. A new account gets a name of its own
// (its kind, then a number) unless the user gives one.
import { useId, useState, type FormEvent } from 'react';
import type { AccountKindView } from '../../shared/domain';
import type { AccountView } from '../../shared/views';
import { FormButtons, FormOutcome, type Outcome } from './FormParts';
import { useStore } from './store';

/** A name for a new account of a kind that no account has yet: "xmpp", then "xmpp-2". */
export function freshAccountId(kind: string, accounts: readonly { id: string }[]): string {
  const base = kind.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 28) || 'account';
  let id = base;
  for (let n = 2; accounts.some((a) => a.id === id); n++) id = `${base}-${n}`;
  return id;
}

export function AccountForm({
  kind,
  account,
  submitLabel = 'Save account',
  saveAs,
  onSaved,
  onCancel,
}: {
  /** The kind to make; absent: the user picks (Settings' "Add an account"). */
  kind?: AccountKindView;
  /** The account being changed, if it is not a new one. */
  account?: AccountView;
  submitLabel?: string;
  /** Saves under this name (the welcome's second try is the same account, not a new one). */
  saveAs?: string;
  onSaved?: (id: string) => void;
  onCancel?: () => void;
}) {
  const kinds = useStore((s) => s.accountKinds);
  const accounts = useStore((s) => s.accounts);
  const save = useStore((s) => s.saveAccount);
  const [picked, setPicked] = useState(kind?.kind ?? account?.kind ?? '');
  const [name, setName] = useState(account?.id ?? '');
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(account?.values ?? {}).map(([k, v]) => [k, String(v)])));
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const formId = useId();
  const chosen = kind ?? kinds.find((k) => k.kind === (picked || kinds[0]?.kind));
  if (!chosen) return <p>No kind of account is installed.</p>;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = account?.id ?? saveAs ?? (name.trim() || freshAccountId(chosen.kind, accounts));
    setBusy(true);
    const refused = await save(id, chosen.kind, values);
    setBusy(false);
    setOutcome(refused ? { ok: false, text: refused } : { ok: true, text: 'Saved.' });
    if (!refused) onSaved?.(id);
  };

  const field = (f: AccountKindView['fields'][number]) => {
    const saved = account?.savedSecrets.includes(f.key);
    return (
      <label key={f.key} className="field">
        <span className="field-label">
          {f.label}
          {!f.required && <span className="field-optional"> (optional)</span>}
        </span>
        <input
          type={f.kind === 'secret' ? 'password' : f.kind === 'number' ? 'number' : 'text'}
          autoComplete={f.kind === 'secret' ? 'new-password' : 'off'}
          required={f.required && !saved}
          placeholder={saved ? 'Saved (leave empty to keep it)' : ''}
          value={values[f.key] ?? ''}
          onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
        />
      </label>
    );
  };
  const required = chosen.fields.filter((f) => f.required);
  const optional = chosen.fields.filter((f) => !f.required);

  return (
    <form className="form account-form" aria-label={account ? `Change the account ${account.id}` : `Add an account: ${chosen.name}`} onSubmit={(e) => void submit(e)}>
      {!kind && !account && (
        <label className="field">
          <span className="field-label">Kind</span>
          <select value={chosen.kind} onChange={(e) => (setPicked(e.target.value), setValues({}))}>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {required.map(field)}
      {(optional.length > 0 || !account) && (
        <details className="more-options">
          <summary>More options</summary>
          {!account && !saveAs && (
            <label className="field">
              <span className="field-label">
                Account name<span className="field-optional"> (optional)</span>
              </span>
              <input id={`${formId}-name`} value={name} onChange={(e) => setName(e.target.value)} placeholder={freshAccountId(chosen.kind, accounts)} />
            </label>
          )}
          {optional.map(field)}
        </details>
      )}
      <FormButtons submit={busy ? 'Checking…' : submitLabel} disabled={busy} {...(onCancel && { onCancel })} />
      <FormOutcome outcome={outcome} />
    </form>
  );
}

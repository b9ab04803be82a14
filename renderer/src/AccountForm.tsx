// Settings: add or change an account. The fields come from the mechanism plugin; the core validates
// them and answers with what is wrong, naming the field. Passwords are never shown again: left
// empty, the saved one is kept.
import { useState, type FormEvent } from 'react';
import { useStore } from './store';

export function AccountForm() {
  const kinds = useStore((s) => s.accountKinds);
  const save = useStore((s) => s.saveAccount);
  const [kind, setKind] = useState('');
  const [id, setId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>();
  const chosen = kinds.find((k) => k.kind === (kind || kinds[0]?.kind));
  if (!chosen) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const refused = await save(id.trim(), chosen.kind, values);
    setOutcome(refused ? { ok: false, text: refused } : { ok: true, text: `Account "${id.trim()}" saved.` });
    if (!refused) setValues({});
  };

  return (
    <form className="account-form" aria-label="Add or change an account" onSubmit={(e) => void submit(e)}>
      <label>
        Kind{' '}
        <select value={chosen.kind} onChange={(e) => (setKind(e.target.value), setValues({}))}>
          {kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Account name <input value={id} onChange={(e) => setId(e.target.value)} placeholder="im1" required />
      </label>
      {chosen.fields.map((field) => (
        <label key={field.key}>
          {field.label}
          {field.required ? '' : ' (optional)'}{' '}
          <input
            type={field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : 'text'}
            autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
            value={values[field.key] ?? ''}
            onChange={(e) => setValues({ ...values, [field.key]: e.target.value })}
          />
        </label>
      ))}
      <button type="submit">Save account</button>
      {outcome && (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'saved' : 'refused'}>
          {outcome.text}
        </p>
      )}
    </form>
  );
}

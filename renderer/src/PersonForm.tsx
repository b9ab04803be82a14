// A person: their name and, for each account, their address there (empty: not on it). Used to add
// someone from the window and on their page in Settings. The addresses are typed here, in a form,
// because this is where the user says how to reach someone; the list and the conversation never show them.
import { useState, type FormEvent } from 'react';
import type { PersonView } from '../../shared/views';
import { FormButtons, FormOutcome } from './FormParts';
import { useStore } from './store';

export function PersonForm({
  person,
  submitLabel,
  onSaved,
  onCancel,
}: {
  person?: PersonView;
  submitLabel: string;
  onSaved: (person: PersonView) => void;
  onCancel?: () => void;
}) {
  const accounts = useStore((s) => s.accounts);
  const save = useStore((s) => s.savePerson);
  const [name, setName] = useState(person?.name ?? '');
  const [addresses, setAddresses] = useState<Record<string, string>>(() => Object.fromEntries((person?.addresses ?? []).map((a) => [a.mechanism, a.address])));
  const [refused, setRefused] = useState<string>();
  // Addresses on accounts that are gone stay visible, so that saving does not drop them unseen.
  const mechanisms = [...accounts.map((a) => ({ id: a.id, kindName: a.kindName })), ...(person?.addresses ?? []).filter((a) => !accounts.some((x) => x.id === a.mechanism)).map((a) => ({ id: a.mechanism, kindName: a.kindName }))];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await save({ ...(person && { contactId: person.id }), name, addresses });
    if (typeof result === 'string') setRefused(result);
    else onSaved(result);
  };

  return (
    <form className="form person-form" aria-label={person ? `${person.name}’s details` : 'A new person'} onSubmit={(e) => void submit(e)}>
      <label className="field">
        <span className="field-label">Name</span>
        <input data-autofocus value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
      </label>
      <fieldset className="addresses">
        <legend>How to reach them</legend>
        {mechanisms.length === 0 && <p className="hint">Add an account in Settings first: addresses are on accounts.</p>}
        {mechanisms.map((m) => (
          <label key={m.id} className="field">
            <span className="field-label">
              {m.kindName} <span className="field-optional">({m.id})</span>
            </span>
            <input value={addresses[m.id] ?? ''} onChange={(e) => setAddresses({ ...addresses, [m.id]: e.target.value })} autoComplete="off" />
          </label>
        ))}
      </fieldset>
      <FormButtons submit={submitLabel} disabled={!name.trim()} {...(onCancel && { onCancel })} />
      <FormOutcome outcome={refused === undefined ? undefined : { ok: false, text: refused }} />
    </form>
  );
}

// Settings › People: suggestions to link addresses that look like one person's (accepted or
// dismissed), everyone in the list (found by name), and a person's page: their addresses per
// account, changed, merged with someone else, or removed. Changes apply at once.
import { useEffect, useMemo, useState } from 'react';
import type { ContactId } from '../../../shared/domain';
import type { PersonView } from '../../../shared/views';
import { Dialog } from '../Dialog';
import { folded } from '../lib/people-order';
import { Outside } from '../Outside';
import { PersonForm } from '../PersonForm';
import { useStore } from '../store';

/** How many people the page lists at once; the search box finds the others. */
const SHOWN = 100;

function Suggestions() {
  const suggestions = useStore((s) => s.suggestions);
  const names = useStore((s) => s.contactNames);
  const accept = useStore((s) => s.acceptSuggestion);
  const dismiss = useStore((s) => s.dismissSuggestion);
  if (!suggestions.length) return null;
  return (
    <section aria-label="Suggestions">
      <h3>Maybe the same person</h3>
      <ul className="cards">
        {suggestions.map((s) => (
          <li key={s.id} className="card suggestion">
            <p>
              <strong>
                <Outside>{s.name}</Outside>
              </strong>
              {': '}
              {s.why}
              {s.other.kind === 'contact' ? (
                <>
                  {' — join '}
                  <Outside>{names[s.other.contactId] ?? s.name}</Outside>
                  {' into '}
                  <Outside>{names[s.contactId] ?? s.name}</Outside>
                </>
              ) : (
                <>
                  {' — add '}
                  <code>
                    <Outside>{s.other.address}</Outside>
                  </code>
                </>
              )}
              .
            </p>
            <div className="form-buttons">
              <button type="button" className="primary" onClick={() => void accept(s.id)}>
                {s.other.kind === 'contact' ? 'Merge' : 'Link'}
              </button>
              <button type="button" onClick={() => void dismiss(s.id)}>
                Not the same
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PersonPage({ contactId }: { contactId: ContactId }) {
  const load = useStore((s) => s.person);
  const open = useStore((s) => s.openPerson);
  const remove = useStore((s) => s.removePerson);
  const merge = useStore((s) => s.mergePeople);
  const ids = useStore((s) => s.contactIds);
  const names = useStore((s) => s.contactNames);
  const [person, setPerson] = useState<PersonView>();
  const [confirming, setConfirming] = useState(false);
  const [mergeWith, setMergeWith] = useState('');
  const [refused, setRefused] = useState<string>();
  useEffect(() => {
    let live = true;
    void load(contactId).then((p) => live && setPerson(p));
    return () => {
      live = false;
    };
  }, [contactId, load]);
  if (!person) return <p>Loading…</p>;
  const others = ids.filter((id) => id !== contactId);
  return (
    <section className="card person-page" aria-label={`${person.name}’s page`}>
      <h3>
        <Outside>{person.name}</Outside>
      </h3>
      <PersonForm key={`${person.id}:${person.addresses.map((a) => a.address).join()}`} person={person} submitLabel="Save" onSaved={setPerson} onCancel={() => open(undefined)} />
      <form
        className="form merge-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!mergeWith) return;
          void merge(contactId, mergeWith).then((r) => (typeof r === 'string' ? setRefused(r) : (setRefused(undefined), setMergeWith(''), setPerson(r))));
        }}
      >
        <label className="field">
          <span className="field-label">Same person as</span>
          <select value={mergeWith} onChange={(e) => setMergeWith(e.target.value)}>
            <option value="">Choose someone…</option>
            {others.slice(0, 2000).map((id) => (
              <option key={id} value={id}>
                {names[id]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!mergeWith}>
          Merge into {person.name}
        </button>
        {refused && (
          <p role="alert" className="refused">
            {refused}
          </p>
        )}
      </form>
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Remove {person.name}
      </button>
      {confirming && (
        <Dialog labelledBy="remove-person" onClose={() => setConfirming(false)}>
          <p id="remove-person">Remove {person.name} from your list? Your conversation with them is kept.</p>
          <div className="dialog-buttons">
            <button type="button" className="danger" onClick={() => void remove(contactId).then(() => setConfirming(false))}>
              Remove
            </button>
            <button type="button" data-autofocus onClick={() => setConfirming(false)}>
              Keep
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

export function PeoplePage() {
  const ids = useStore((s) => s.contactIds);
  const names = useStore((s) => s.contactNames);
  const openId = useStore((s) => s.personOpen);
  const open = useStore((s) => s.openPerson);
  const [find, setFind] = useState('');
  const shown = useMemo(() => {
    const wanted = folded(find.trim());
    return (wanted ? ids.filter((id) => folded(names[id] ?? '').includes(wanted)) : ids).slice(0, SHOWN);
  }, [ids, names, find]);
  return (
    <>
      <Suggestions />
      <h3>People</h3>
      {openId === 'new' ? (
        <section className="card" aria-label="A new person">
          <PersonForm submitLabel="Add person" onSaved={(p) => open(p.id)} onCancel={() => open(undefined)} />
        </section>
      ) : openId ? (
        <PersonPage key={openId} contactId={openId} />
      ) : null}
      <div className="form-buttons">
        <input type="search" aria-label="Find a person by name" placeholder="Find by name" value={find} onChange={(e) => setFind(e.target.value)} />
        <button type="button" className="primary" onClick={() => open('new')}>
          Add a person
        </button>
      </div>
      <ul className="people-list" aria-label="Everyone">
        {shown.map((id) => (
          <li key={id}>
            <button type="button" className="link" aria-current={id === openId ? 'true' : undefined} onClick={() => open(id)}>
              <Outside>{names[id]}</Outside>
            </button>
          </li>
        ))}
      </ul>
      {ids.length > shown.length && <p className="muted">{(ids.length - shown.length).toLocaleString()} more: type a name to find them.</p>}
    </>
  );
}

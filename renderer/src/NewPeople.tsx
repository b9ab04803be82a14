// People not in the contact list who wrote. The address is shown here, and only here, because the
// user needs it to decide who this is; once accepted, they are a contact like any other.
import { useState } from 'react';
import type { StrangerView } from '../../shared/domain';
import { Outside } from './Outside';
import { useStore } from './store';

function Request({ stranger }: { stranger: StrangerView }) {
  const accept = useStore((s) => s.accept);
  const ignore = useStore((s) => s.ignore);
  const [name, setName] = useState(stranger.name ?? '');
  return (
    <li className="stranger" aria-label={stranger.suggested ? 'Suggested contact' : 'Message from someone new'}>
      <p className="stranger-address">
        <Outside>{stranger.address}</Outside>
      </p>
      {stranger.suggested ? (
        <p className="stranger-message">
          In the contact list of one of your accounts
          {stranger.name && (
            <>
              {' as '}
              <Outside>{stranger.name}</Outside>
            </>
          )}
          .
        </p>
      ) : (
        <p className="stranger-message">
          “<Outside>{stranger.firstMessage}</Outside>”
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void accept(stranger.id, name.trim());
        }}
      >
        <input aria-label="Name for this contact" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={!name.trim()}>
          Add contact
        </button>
        <button type="button" onClick={() => void ignore(stranger.id)}>
          Ignore
        </button>
      </form>
    </li>
  );
}

export function NewPeople() {
  const strangers = useStore((s) => s.strangers);
  const waiting = useStore((s) => s.strangersWaiting);
  if (!strangers.length) return null;
  const more = waiting - strangers.length;
  return (
    <section className="new-people" aria-label="New people">
      <h2>New people</h2>
      <ul>
        {strangers.map((s) => (
          <Request key={s.id} stranger={s} />
        ))}
      </ul>
      {more > 0 && <p className="new-people-more">{more.toLocaleString()} more waiting: they appear here as you add or ignore these.</p>}
    </section>
  );
}

// The first run: a welcome that leads a newcomer through their first account (kinds in words people
// know), checks it live and says in plain words why it failed and what to do, offers the people the
// account's own contact list holds, and lands in the conversation list.
import { useState } from 'react';
import type { AccountKindView, StrangerView } from '../../shared/domain';
import { AccountForm } from './AccountForm';
import { Outside } from './Outside';
import { useStore } from './store';

/** What each kind is, for someone who has not met the word. */
const blurbs: Readonly<Record<string, string>> = {
  xmpp: 'A chat account such as name@jabber.example (Jabber, Conversations, Gajim…).',
  irc: 'A nick on an IRC network.',
  email: 'Your e-mail address: mail to people, and their answers back.',
  sms: 'A gateway that sends text messages to phones and pagers.',
};

export function Welcome() {
  const step = useStore((s) => s.welcome);
  const kinds = useStore((s) => s.accountKinds);
  const setWelcome = useStore((s) => s.setWelcome);
  const [kind, setKind] = useState<AccountKindView>();
  return (
    <main className="welcome" aria-labelledby="welcome-title">
      <div className="welcome-card">
        {step === 'kind' && (
          <>
            <h1 id="welcome-title">Welcome to Switchboard</h1>
            <p>Everyone you talk to in one list, however they are reached. Start with an account you already have.</p>
            <ul className="kind-choices" aria-label="Kinds of account">
              {kinds.map((k) => (
                <li key={k.kind}>
                  <button
                    type="button"
                    className="kind-choice"
                    onClick={() => {
                      setKind(k);
                      setWelcome('account');
                    }}
                  >
                    <span className="kind-name">{k.name}</span>
                    <span className="kind-blurb">{blurbs[k.kind] ?? ''}</span>
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="link" onClick={() => setWelcome(undefined)}>
              Skip for now
            </button>
          </>
        )}
        {step === 'account' && kind && <AccountStep kind={kind} onBack={() => setWelcome('kind')} />}
        {step === 'people' && <PeopleStep />}
      </div>
    </main>
  );
}

function AccountStep({ kind, onBack }: { kind: AccountKindView; onBack: () => void }) {
  const saved = useStore((s) => s.welcomeAccount);
  const account = useStore((s) => s.accounts.find((a) => a.id === saved));
  const setWelcome = useStore((s) => s.setWelcome);
  const connected = account?.state === 'active';
  return (
    <>
      <h1 id="welcome-title">Your {kind.name} account</h1>
      <AccountForm kind={kind} submitLabel={saved ? 'Try again' : 'Connect'} saveAs={saved} onSaved={(id) => setWelcome('account', id)} onCancel={onBack} />
      {account && (
        <div className="connection" aria-live="polite">
          {connected ? (
            <p className="saved">Connected.{account.activity && ` ${account.activity}`}</p>
          ) : account.reason ? (
            <p className="refused" role="alert">
              {account.reason}
            </p>
          ) : (
            <p>Connecting…</p>
          )}
        </div>
      )}
      {connected && (
        <div className="form-buttons">
          <button type="button" className="primary" onClick={() => setWelcome('people')}>
            Next: your people
          </button>
        </div>
      )}
    </>
  );
}

function PeopleStep() {
  const strangers = useStore((s) => s.strangers);
  const offered = strangers.filter((p) => p.suggested);
  const setWelcome = useStore((s) => s.setWelcome);
  const addPerson = useStore((s) => s.setAddingPerson);
  const contacts = useStore((s) => s.contactIds.length);
  return (
    <>
      <h1 id="welcome-title">Your people</h1>
      {offered.length > 0 ? (
        <>
          <p>Your account already knows these people. Give each the name you know them by, and add them.</p>
          <ul className="offered" aria-label="People your account knows">
            {offered.map((p) => (
              <Offered key={p.id} person={p} />
            ))}
          </ul>
        </>
      ) : (
        <p>Your account has nobody in its contact list yet. Add the people you talk to: a name, and how to reach them.</p>
      )}
      <p>
        {contacts === 0 ? 'Nobody in your list yet.' : `${contacts.toLocaleString()} ${contacts === 1 ? 'person' : 'people'} in your list.`}
      </p>
      <div className="form-buttons">
        <button type="button" onClick={() => addPerson(true)}>
          Add a person
        </button>
        <button type="button" className="primary" onClick={() => setWelcome(undefined)}>
          Done
        </button>
      </div>
    </>
  );
}

function Offered({ person }: { person: StrangerView }) {
  const accept = useStore((s) => s.accept);
  const ignore = useStore((s) => s.ignore);
  const [name, setName] = useState(person.name ?? '');
  return (
    <li className="stranger">
      <p className="stranger-address">
        <Outside>{person.address}</Outside>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void accept(person.id, name.trim(), { open: false });
        }}
      >
        <input aria-label={`Name for ${person.address}`} placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={!name.trim()}>
          Add
        </button>
        <button type="button" onClick={() => void ignore(person.id)}>
          Not now
        </button>
      </form>
    </li>
  );
}

// One conversation with one person: the messages both ways, each with its state, and a compose box.
import { memo, useLayoutEffect, useRef } from 'react';
import type { MessageView } from '../../shared/domain';
import { Compose } from './Compose';
import { Outside, Quoting } from './Outside';
import { PresenceGlyph } from './PresenceGlyph';
import { useStore } from './store';

const stateLabels: Record<MessageView['state'], string> = {
  // A clock, as Signal and Telegram show: no way can carry it now; it goes when one comes back.
  waiting: '🕓 Waiting',
  sending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not delivered',
  received: '',
};

// Memoized: a change to one message (its state) re-renders that row, not the whole history.
const Message = memo(function Message({ message }: { message: MessageView }) {
  const retry = useStore((s) => s.retry);
  const cancel = useStore((s) => s.cancel);
  const stillTrying = useStore((s) => s.stillTrying[message.id]);
  return (
    <li className={`message message-${message.direction} message-${message.state}`} data-state={message.state}>
      {/* Text content only: React escapes it, so a message can never become markup. */}
      <p className="message-body">
        <Outside>{message.body}</Outside>
      </p>
      <p className="message-meta">
        <time dateTime={new Date(message.at).toISOString()}>{new Date(message.at).toLocaleTimeString()}</time>
        {message.priority === 'urgent' && <span className="message-urgent">Urgent</span>}
        {message.direction === 'out' && (
          <span className="message-state" {...(message.state === 'waiting' && { title: 'No way to reach them is connected; it goes as soon as one is.' })}>
            {stateLabels[message.state]}
          </span>
        )}
      </p>
      {stillTrying && (message.state === 'waiting' || message.state === 'sending') && (
        <p className="message-still-trying" role="status">
          <Quoting>{stillTrying}</Quoting>{' '}
          <button type="button" onClick={() => void cancel(message.id)}>
            Cancel
          </button>{' '}
          <button type="button" onClick={() => void retry(message.id)}>
            Retry now
          </button>
        </p>
      )}
      {message.state === 'failed' && (
        <p className="message-failure" role="status">
          <Quoting>{message.failure}</Quoting>{' '}
          <button type="button" onClick={() => void retry(message.id)}>
            Retry
          </button>
        </p>
      )}
    </li>
  );
});

export function Conversation() {
  const selected = useStore((s) => s.selected);
  const contact = useStore((s) => s.contacts.find((c) => c.id === s.selected));
  const messages = useStore((s) => (s.selected ? s.messages[s.selected] : undefined)) ?? noMessages;
  const older = useStore((s) => (s.selected ? (s.older[s.selected] ?? false) : false));
  const loadOlder = useStore((s) => s.loadOlder);
  const list = useRef<HTMLOListElement>(null);
  const end = useRef<HTMLLIElement>(null);
  /** The first and last message shown at the last render, and the list's height then. */
  const shown = useRef<{ first?: string; last?: string; height: number }>({ height: 0 });

  // Before the page paints: an older page put above keeps what the reader sees where it was; a new
  // message at the end (or another conversation) scrolls to the end.
  useLayoutEffect(() => {
    const element = list.current;
    const first = messages[0]?.id;
    const last = messages.at(-1)?.id;
    const before = shown.current;
    if (element && last === before.last && first !== before.first) element.scrollTop += element.scrollHeight - before.height;
    else if (last !== before.last) end.current?.scrollIntoView({ block: 'end' });
    shown.current = { first, last, height: element?.scrollHeight ?? 0 };
  }, [messages]);

  if (!selected || !contact) return <section className="conversation empty">Choose a contact to start talking.</section>;

  return (
    <section className="conversation" aria-label={`Conversation with ${contact.name}`}>
      <header className="conversation-header">
        <PresenceGlyph glyph={contact.glyph} />
        <h2>
          <Outside>{contact.name}</Outside>
        </h2>
      </header>
      <ol
        ref={list}
        className="messages"
        aria-label="Messages"
        // Near the top, the page before is fetched: scrolling up reads on through the history.
        onScroll={(e) => void (older && e.currentTarget.scrollTop < 200 && loadOlder())}
      >
        {older && (
          <li className="messages-older">
            <button type="button" onClick={() => void loadOlder()}>
              Earlier messages
            </button>
          </li>
        )}
        {messages.map((m) => (
          <Message key={m.id} message={m} />
        ))}
        <li ref={end} aria-hidden="true" />
      </ol>
      <Compose contactName={contact.name} />
    </section>
  );
}

const noMessages: readonly MessageView[] = [];

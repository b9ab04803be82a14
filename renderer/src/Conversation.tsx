// One conversation with one person: the messages both ways, each with its state, by day and in runs,
// and a compose box that takes focus when the conversation opens. The header says how the person is
// (away, busy, do not disturb) and the words they set. No address or system is named.
// Only the messages in view are in the page (@tanstack/react-virtual, rows measured as they show):
// a history read back through thousands of messages costs the DOM a screenful.
import { memo, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { awayLabels, glyphLabels, type MessageView } from '../../shared/domain';
import { Avatar } from './Avatar';
import { Compose } from './Compose';
import { conversationItems } from './lib/conversation-items';
import { clockTime, fullDate } from './lib/time';
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
const Message = memo(function Message({ message, first, last }: { message: MessageView; first: boolean; last: boolean }) {
  const retry = useStore((s) => s.retry);
  const cancel = useStore((s) => s.cancel);
  const stillTrying = useStore((s) => s.stillTrying[message.id]);
  const run = `${first ? ' message-first' : ''}${last ? ' message-last' : ''}`;
  return (
    <div className={`message message-${message.direction} message-${message.state}${run}`} data-state={message.state}>
      {/* Text content only: React escapes it, so a message can never become markup. */}
      <p className="message-body">
        <Outside>{message.body}</Outside>
      </p>
      <p className="message-meta">
        <time dateTime={new Date(message.at).toISOString()} title={fullDate(message.at)}>
          {clockTime(message.at)}
        </time>
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
    </div>
  );
});

/** A message's height before it is measured (one line of text and its time), in px. */
const ESTIMATED_HEIGHT = 64;
/** The list's padding above and below the messages, in px (as .messages had it). */
const PADDING = 16;

export function Conversation() {
  const selected = useStore((s) => s.selected);
  const contact = useStore((s) => (s.selected ? s.contactsById[s.selected] : undefined));
  const messages = useStore((s) => (s.selected ? s.messages[s.selected] : undefined)) ?? noMessages;
  const older = useStore((s) => (s.selected ? (s.older[s.selected] ?? false) : false));
  const loadOlder = useStore((s) => s.loadOlder);
  const setDrawer = useStore((s) => s.setDrawer);
  const scroller = useRef<HTMLDivElement>(null);
  const compose = useRef<HTMLTextAreaElement>(null);
  // Day labels ("Today") are worked out against the day the conversation is drawn on.
  const items = useMemo(() => conversationItems(messages, Date.now()), [messages]);
  const rows = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_HEIGHT,
    getItemKey: (index) => items[index]!.message.id,
    overscan: 10,
    paddingStart: PADDING,
    paddingEnd: PADDING,
  });
  /** The first and last message shown at the last render, whose conversation, and where the view was. */
  const shown = useRef<{ first?: string; last?: string; contact?: string; scrollTop: number }>({ scrollTop: 0 });

  // Opening a conversation puts the cursor where one writes to them (once: coming back from Settings
  // leaves focus on the Settings button, where the user was).
  const focusCompose = useStore((s) => s.focusCompose);
  useEffect(() => {
    if (!focusCompose || focusCompose !== selected || !compose.current) return;
    compose.current.focus();
    useStore.setState({ focusCompose: undefined });
  }, [focusCompose, selected]);

  // Before the page paints: an older page put above keeps what the reader sees where it was; a new
  // message at the end (or another conversation) scrolls to the end.
  useLayoutEffect(() => {
    const element = scroller.current;
    const first = items[0]?.message.id;
    const last = items.at(-1)?.message.id;
    const before = shown.current;
    if (items.length && (last !== before.last || selected !== before.contact)) rows.scrollToIndex(items.length - 1, { align: 'end' });
    else if (element && before.first && first !== before.first) {
      // The item that was first is now further down by the height of the page put above it.
      const index = items.findIndex((m) => m.message.id === before.first);
      const offset = index > 0 ? rows.getOffsetForIndex(index, 'start')?.[0] : undefined;
      if (offset !== undefined) rows.scrollToOffset(offset + before.scrollTop - PADDING);
    }
    shown.current = { first, last, contact: selected, scrollTop: element?.scrollTop ?? 0 };
  }, [items, selected, rows]);

  if (!selected || !contact)
    return (
      <section className="conversation empty" aria-label="No conversation open">
        <button type="button" className="drawer-button" onClick={() => setDrawer(true)}>
          People
        </button>
        <p>Choose a person to start talking.</p>
      </section>
    );

  const how = contact.away ? awayLabels[contact.away] : glyphLabels[contact.glyph];
  return (
    <section className="conversation" aria-label={`Conversation with ${contact.name}`}>
      <header className="conversation-header">
        <button type="button" className="drawer-button" aria-label="People" onClick={() => setDrawer(true)}>
          ☰
        </button>
        <Avatar name={contact.name} size="large" />
        <div className="conversation-title">
          <h2>
            <Outside>{contact.name}</Outside>
          </h2>
          <p className="conversation-presence">
            <PresenceGlyph glyph={contact.glyph} />
            <span className="presence-label">{contact.glyph === 'none' ? 'No presence information' : how}</span>
            {contact.status && (
              <span className="presence-status">
                {' · '}
                <Outside>{contact.status}</Outside>
              </span>
            )}
          </p>
        </div>
      </header>
      {/* Outside the scrolled list, so that the rows' offsets are the list's own. */}
      {older && (
        <p className="messages-older">
          <button type="button" onClick={() => void loadOlder()}>
            Earlier messages
          </button>
        </p>
      )}
      <div
        ref={scroller}
        className="messages-scroller"
        // Reachable by keyboard, so the history can be scrolled with the arrow keys and Page Up.
        tabIndex={0}
        role="region"
        aria-label="Message history"
        // Near the top, the page before is fetched: scrolling up reads on through the history.
        onScroll={(e) => {
          shown.current.scrollTop = e.currentTarget.scrollTop;
          if (older && e.currentTarget.scrollTop < 200) void loadOlder();
        }}
      >
        <ol className="messages" aria-label="Messages" style={{ height: rows.getTotalSize() }}>
          {rows.getVirtualItems().map((row) => {
            const item = items[row.index]!;
            return (
              <li
                key={item.message.id}
                data-index={row.index}
                ref={rows.measureElement}
                aria-setsize={items.length}
                aria-posinset={row.index + 1}
                style={{ transform: `translateY(${row.start}px)` }}
              >
                {item.day && (
                  <p className="day-separator">
                    <span>{item.day}</span>
                  </p>
                )}
                <Message message={item.message} first={item.first} last={item.last} />
              </li>
            );
          })}
        </ol>
      </div>
      <Compose ref={compose} key={selected} contactId={selected} contactName={contact.name} />
    </section>
  );
}

const noMessages: readonly MessageView[] = [];

// The contact list: one row per person, with their aggregated presence, the last message's first
// line, when, and how many are unread. No address or system appears here. Ordered by recent
// activity (or by name), narrowed by the filter box; arrow keys move through it.
// Only the rows in view are in the page (@tanstack/react-virtual): ten thousand people cost the DOM
// a screenful of rows, and a presence change re-renders only the rows whose contact changed (each row
// reads its record by id; the list reads only the ids, which presence never changes).
import { memo, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { awayLabels, glyphLabels, type ContactId } from '../../shared/domain';
import { Avatar } from './Avatar';
import { listTime } from './lib/time';
import { orderedIds } from './lib/people-order';
import { Outside } from './Outside';
import { useStore } from './store';
import { PresenceGlyph } from './PresenceGlyph';

/** A row's height in px, as styles.css gives it (.contact); rows are measured anyway once shown. */
const ROW_HEIGHT = 60;

const ContactRow = memo(function ContactRow({
  id,
  index,
  current,
  tabbable,
  onSelect,
}: {
  id: ContactId;
  index: number;
  current: boolean;
  tabbable: boolean;
  onSelect: (id: ContactId) => Promise<void>;
}) {
  // Each row reads its own record: a presence change renders the rows it concerns, not the list.
  const contact = useStore((s) => s.contactsById[id]);
  const summary = useStore((s) => s.summaries[id]);
  if (!contact) return null;
  const unread = summary?.unread ?? 0;
  const presence = contact.away ? awayLabels[contact.away] : glyphLabels[contact.glyph];
  // Name first, then how they are, then what waits: what a screen reader says, in that order.
  const label = [contact.name, presence, unread ? `${unread} unread` : undefined].filter(Boolean).join(', ');
  const second = summary ? (summary.lastDirection === 'out' ? `You: ${summary.preview}` : summary.preview) : contact.status;
  return (
    <button
      type="button"
      className={unread ? 'contact contact-unread' : 'contact'}
      aria-current={current ? 'true' : undefined}
      aria-label={label}
      tabIndex={tabbable ? 0 : -1}
      data-contact-id={contact.id}
      data-index={index}
      onClick={() => void onSelect(contact.id)}
    >
      <Avatar name={contact.name} />
      <span className="contact-text">
        <span className="contact-line">
          <PresenceGlyph glyph={contact.glyph} />
          <span className="contact-name">
            <Outside>{contact.name}</Outside>
          </span>
          {summary && (
            <time className="contact-time" dateTime={new Date(summary.lastAt).toISOString()}>
              {listTime(summary.lastAt, Date.now())}
            </time>
          )}
        </span>
        <span className="contact-line">
          <span className="contact-preview">{second && <Outside>{second}</Outside>}</span>
          {unread > 0 && (
            <span className="badge" aria-hidden="true">
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </span>
      </span>
    </button>
  );
});

export function ContactList() {
  const allIds = useStore((s) => s.contactIds);
  const names = useStore((s) => s.contactNames);
  const summaries = useStore((s) => s.summaries);
  const order = useStore((s) => s.order);
  const filter = useStore((s) => s.filter);
  const selected = useStore((s) => s.selected);
  const select = useStore((s) => s.select);
  const loaded = useStore((s) => s.contactsLoaded);
  const ids = useMemo(() => orderedIds(allIds, names, summaries, order, filter), [allIds, names, summaries, order, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const rows = useVirtualizer({ count: ids.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8, getItemKey: (index) => ids[index]! });
  const tabbable = Math.min(Math.max(selected ? ids.indexOf(selected) : focusIndex, 0), Math.max(ids.length - 1, 0));

  if (!allIds.length) {
    return loaded ? (
      <p className="empty">
        Nobody here yet. <AddPersonLink />
      </p>
    ) : null;
  }
  if (!ids.length) return <p className="empty">Nobody matches “{filter}”.</p>;

  // Arrow keys, Home and End move through the rows (the row in view is focused once rendered).
  const move = (e: KeyboardEvent) => {
    const from = Number((document.activeElement as HTMLElement | null)?.dataset.index ?? tabbable);
    const to = { ArrowDown: from + 1, ArrowUp: from - 1, Home: 0, End: ids.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = Math.min(Math.max(to, 0), ids.length - 1);
    setFocusIndex(next);
    rows.scrollToIndex(next);
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`button[data-index="${next}"]`)?.focus());
  };

  return (
    <div ref={scroller} className="contacts-scroller">
      <ul className="contacts" aria-label="Contacts" style={{ height: rows.getTotalSize() }} onKeyDown={move}>
        {rows.getVirtualItems().map((row) => {
          const id = ids[row.index]!;
          return (
            <li key={id} data-index={row.index} ref={rows.measureElement} aria-setsize={ids.length} aria-posinset={row.index + 1} style={{ transform: `translateY(${row.start}px)` }}>
              <ContactRow id={id} index={row.index} current={id === selected} tabbable={row.index === tabbable} onSelect={select} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function AddPersonLink() {
  const open = useStore((s) => s.setAddingPerson);
  return (
    <button type="button" className="link" onClick={() => open(true)}>
      Add a person
    </button>
  );
}

// The contact list: one row per person, with their aggregated presence. No address or system appears here.
// Only the rows in view are in the page (@tanstack/react-virtual): ten thousand people cost the DOM
// a screenful of rows, and a presence change re-renders only the rows whose contact changed (each row
// reads its record by id; the list reads only the ids, which presence never changes).
import { memo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ContactId } from '../../shared/domain';
import { Outside } from './Outside';
import { useStore } from './store';
import { PresenceGlyph } from './PresenceGlyph';

/** A row's height in px, as styles.css gives it (.contact); rows are measured anyway once shown. */
const ROW_HEIGHT = 41;

const ContactRow = memo(function ContactRow({ id, current, onSelect }: { id: ContactId; current: boolean; onSelect: (id: ContactId) => Promise<void> }) {
  // Each row reads its own record: a presence change renders the rows it concerns, not the list.
  const contact = useStore((s) => s.contactsById[id]);
  if (!contact) return null;
  return (
    <button type="button" className="contact" aria-current={current ? 'true' : undefined} data-contact-id={contact.id} onClick={() => void onSelect(contact.id)}>
      <PresenceGlyph glyph={contact.glyph} />
      <span className="contact-text">
        <span className="contact-name">
          <Outside>{contact.name}</Outside>
        </span>
        {contact.status && (
          <span className="contact-status">
            <Outside>{contact.status}</Outside>
          </span>
        )}
      </span>
    </button>
  );
});

export function ContactList() {
  const ids = useStore((s) => s.contactIds);
  const selected = useStore((s) => s.selected);
  const select = useStore((s) => s.select);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: ids.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8, getItemKey: (index) => ids[index]! });
  if (!ids.length) {
    return <p className="empty">No contacts yet. Add them to the settings file (see the README).</p>;
  }
  return (
    <div ref={scroller} className="contacts-scroller">
      <ul className="contacts" aria-label="Contacts" style={{ height: rows.getTotalSize() }}>
        {rows.getVirtualItems().map((row) => {
          const id = ids[row.index]!;
          return (
            <li
              key={id}
              data-index={row.index}
              ref={rows.measureElement}
              aria-setsize={ids.length}
              aria-posinset={row.index + 1}
              style={{ transform: `translateY(${row.start}px)` }}
            >
              <ContactRow id={id} current={id === selected} onSelect={select} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

// The contact list: one row per person, with their aggregated presence. No address or system appears here.
// Only the rows in view are in the page (@tanstack/react-virtual): ten thousand people cost the DOM
// a screenful of rows, and a presence change re-renders only the rows whose contact changed (memo on
// the contact's record, which the store replaces only when it changes).
import { memo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ContactId, ContactView } from '../../shared/domain';
import { Outside } from './Outside';
import { useStore } from './store';
import { PresenceGlyph } from './PresenceGlyph';

/** A row's height in px, as styles.css gives it (.contact); rows are measured anyway once shown. */
const ROW_HEIGHT = 41;

const ContactRow = memo(function ContactRow({ contact, current, onSelect }: { contact: ContactView; current: boolean; onSelect: (id: ContactId) => Promise<void> }) {
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
  const contacts = useStore((s) => s.contacts);
  const selected = useStore((s) => s.selected);
  const select = useStore((s) => s.select);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: contacts.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  if (!contacts.length) {
    return <p className="empty">No contacts yet. Add them to the settings file (see the README).</p>;
  }
  return (
    <div ref={scroller} className="contacts-scroller">
      <ul className="contacts" aria-label="Contacts" style={{ height: rows.getTotalSize() }}>
        {rows.getVirtualItems().map((row) => {
          const contact = contacts[row.index]!;
          return (
            <li
              key={contact.id}
              data-index={row.index}
              ref={rows.measureElement}
              aria-setsize={contacts.length}
              aria-posinset={row.index + 1}
              style={{ transform: `translateY(${row.start}px)` }}
            >
              <ContactRow contact={contact} current={contact.id === selected} onSelect={select} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

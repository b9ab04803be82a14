// The contact list: one row per person, with their aggregated presence. No address or system appears here.
import { Outside } from './Outside';
import { useStore } from './store';
import { PresenceGlyph } from './PresenceGlyph';

export function ContactList() {
  const contacts = useStore((s) => s.contacts);
  const selected = useStore((s) => s.selected);
  const select = useStore((s) => s.select);
  if (!contacts.length) {
    return <p className="empty">No contacts yet. Add them to the settings file (see the README).</p>;
  }
  return (
    <ul className="contacts" aria-label="Contacts">
      {contacts.map((contact) => (
        <li key={contact.id}>
          <button
            type="button"
            className="contact"
            aria-current={contact.id === selected ? 'true' : undefined}
            data-contact-id={contact.id}
            onClick={() => void select(contact.id)}
          >
            <PresenceGlyph glyph={contact.glyph} />
            <span className="contact-name">
              <Outside>{contact.name}</Outside>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

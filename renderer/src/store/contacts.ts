// The contacts slice, normalized: ids in the list's order (by name, as the core sends them), each
// record by id, and the names alone (for the filter box and ordering, which then do not depend on
// presence). A presence change replaces only the records it concerns; the list (which reads the
// ids) does not render again for it, only the rows whose record changed.
import type { ContactId, ContactView, PresenceChange } from '../../../shared/domain';
import type { Slice } from './state';

export interface ContactsSlice {
  contactIds: readonly ContactId[];
  contactsById: Readonly<Record<ContactId, ContactView>>;
  contactNames: Readonly<Record<ContactId, string>>;
  /** Whether the list has arrived once (an empty list before it is not "no contacts yet"). */
  contactsLoaded: boolean;
}

export const contactsSlice: Slice<ContactsSlice> = () => ({ contactIds: [], contactsById: {}, contactNames: {}, contactsLoaded: false });

/** The contact list as the slice keeps it. */
export function normalizedContacts(contacts: readonly ContactView[]): ContactsSlice {
  return {
    contactIds: contacts.map((c) => c.id),
    contactsById: Object.fromEntries(contacts.map((c) => [c.id, c])),
    contactNames: Object.fromEntries(contacts.map((c) => [c.id, c.name])),
    contactsLoaded: true,
  };
}

/** Presence changes applied: a new record only where the glyph, away show or status text changed; the same object when nothing did. */
export function withPresence(byId: ContactsSlice['contactsById'], changes: readonly PresenceChange[]): ContactsSlice['contactsById'] {
  let next: Record<ContactId, ContactView> | undefined;
  for (const change of changes) {
    const c = byId[change.id];
    if (!c || (change.glyph === c.glyph && change.status === c.status && change.away === c.away)) continue;
    next ??= { ...byId };
    next[change.id] = { name: c.name, ...change }; // a change is the whole of a contact's presence
  }
  return next ?? byId;
}

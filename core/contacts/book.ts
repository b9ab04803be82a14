// The user's contacts as the running app holds them: the indexed directory built from the settings,
// the list the window shows (name and aggregated presence, never an address), and changes to them,
// saved to the settings and told to the window and to the mechanisms (which subscribe, MONITOR or
// poll for an address at once).
import type { ContactId, ContactView, MechanismId, PresenceChange } from '../../shared/domain';
import type { ContactSettings } from '../../shared/settings';
import type { CoreEvents } from '../events';
import type { SettingsRepository } from '../settings/repository';
import { ContactDirectory } from './directory';

export interface ContactBookOptions {
  readonly settings: SettingsRepository;
  readonly normalize: (mechanism: MechanismId, address: string) => string;
  /** A contact's aggregated presence, for the list. */
  readonly presenceOf: (id: ContactId) => Omit<PresenceChange, 'id'>;
  readonly events: CoreEvents;
  /** The addresses changed: the mechanisms follow them. */
  readonly addressesChanged: () => void;
  /**
   * Whether an id not in the list is still taken: a person removed keeps their conversation in the
   * database, and someone new must not inherit it by being given the same id.
   */
  readonly idInUse?: (id: ContactId) => boolean;
}

export class ContactBook {
  readonly #o: ContactBookOptions;
  #directory: ContactDirectory;

  constructor(options: ContactBookOptions) {
    this.#o = options;
    this.#directory = new ContactDirectory(options.settings.current.contacts, options.normalize);
  }

  /** The directory now; replaced whole when the contacts change, so hold the getter, not the value. */
  get directory(): ContactDirectory {
    return this.#directory;
  }

  view(contact: ContactSettings): ContactView {
    return { id: contact.id, name: contact.name, ...this.#o.presenceOf(contact.id) };
  }

  /** The list the window shows, by name. */
  list(): ContactView[] {
    return this.#directory
      .all()
      .map((c) => this.view(c))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** An id for a new contact named so: readable, and unused. */
  freshId(name: string): ContactId {
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'contact';
    let id = base;
    for (let n = 2; this.#directory.get(id) || this.#o.idInUse?.(id); n++) id = `${base}-${n}`;
    return id;
  }

  /** Adds a contact: saved (or kept in memory when the file cannot be written), shown, followed. */
  add(contact: ContactSettings): ContactView {
    this.save([...this.#directory.all(), contact]);
    return this.view(contact);
  }

  save(next: readonly ContactSettings[]): void {
    this.#o.settings.writeContacts(next);
    this.#directory = new ContactDirectory(next, this.#o.normalize);
    this.#o.events.emit('contacts:changed', this.list());
    this.#o.addressesChanged();
  }

  /** An account started: its addresses are now spelled as its plugin spells them. */
  reindex(mechanism: MechanismId): void {
    this.#directory.reindex(mechanism);
  }
}

// The contact directory (the user configuration): logical contacts and their address on each
// mechanism, with that address's mechanism-specific settings. Replaced whole when contacts change.
// Indexed by id and by (mechanism, normalized address): a presence stanza or a message from someone
// finds its contact without a scan of the list, however long the list is.
import type { ContactId, MechanismId } from '../../shared/domain';
import type { ContactAddress, ContactSettings } from '../../shared/settings';

/** The contact's address on a mechanism; mechanism ids come from the settings file, so only own entries count. */
const own = (contact: ContactSettings, mechanism: MechanismId): ContactAddress | undefined =>
  Object.hasOwn(contact.addresses, mechanism) ? contact.addresses[mechanism] : undefined;

export class ContactDirectory {
  readonly #contacts: readonly ContactSettings[];
  readonly #normalize: (mechanism: MechanismId, address: string) => string;
  readonly #byId: Map<ContactId, ContactSettings>;
  /**
   * Per mechanism, normalized address → contacts; built when the mechanism is first asked about, with
   * its plugin's normalization (a plugin started later is indexed anew: see `reindex`).
   */
  readonly #byAddress = new Map<MechanismId, Map<string, ContactSettings[]>>();
  /** Per mechanism, contact → its normalized address there: built with the index, read at every presence change. */
  readonly #normalized = new Map<MechanismId, Map<ContactId, string>>();

  constructor(contacts: readonly ContactSettings[], normalize: (mechanism: MechanismId, address: string) => string) {
    this.#contacts = contacts;
    this.#normalize = normalize;
    this.#byId = new Map(contacts.map((c) => [c.id, c]));
  }

  all(): readonly ContactSettings[] {
    return this.#contacts;
  }

  get(id: ContactId): ContactSettings | undefined {
    return this.#byId.get(id);
  }

  /** The mechanisms this contact has an address on. */
  mechanismsOf(id: ContactId): MechanismId[] {
    return Object.keys(this.get(id)?.addresses ?? {});
  }

  address(id: ContactId, mechanism: MechanismId): ContactAddress | undefined {
    const contact = this.get(id);
    return contact ? own(contact, mechanism) : undefined;
  }

  /** An address as the mechanism's plugin spells it, so that the same person is one key. */
  normalize(mechanism: MechanismId, address: string): string {
    return this.#normalize(mechanism, address);
  }

  /** The contact's address on a mechanism, normalized; undefined where they have none. */
  normalizedAddress(id: ContactId, mechanism: MechanismId): string | undefined {
    this.#index(mechanism);
    return this.#normalized.get(mechanism)?.get(id);
  }

  /** Every contact with this address on this mechanism (normally one). */
  byAddress(mechanism: MechanismId, address: string): readonly ContactSettings[] {
    return this.#index(mechanism).get(this.#normalize(mechanism, address)) ?? [];
  }

  addressesOn(mechanism: MechanismId): string[] {
    return this.#contacts.flatMap((c) => own(c, mechanism)?.address ?? []);
  }

  /** The mechanism's normalization may have changed (its plugin started): its index is built again. */
  reindex(mechanism: MechanismId): void {
    this.#byAddress.delete(mechanism);
    this.#normalized.delete(mechanism);
  }

  #index(mechanism: MechanismId): Map<string, ContactSettings[]> {
    let index = this.#byAddress.get(mechanism);
    if (index) return index;
    index = new Map();
    const normalized = new Map<ContactId, string>();
    for (const contact of this.#contacts) {
      const address = own(contact, mechanism);
      if (address === undefined) continue;
      const key = this.#normalize(mechanism, address.address);
      normalized.set(contact.id, key);
      const list = index.get(key);
      if (list) list.push(contact);
      else index.set(key, [contact]);
    }
    this.#byAddress.set(mechanism, index);
    this.#normalized.set(mechanism, normalized);
    return index;
  }
}

// The contact directory (the user configuration): logical contacts and their address on each
// mechanism, with that address's mechanism-specific settings. Replaced whole when contacts change.
import type { ContactId, MechanismId } from '../../shared/domain';
import type { ContactAddress, ContactSettings } from '../../shared/settings';

/** The contact's address on a mechanism; mechanism ids come from the settings file, so only own entries count. */
const own = (contact: ContactSettings, mechanism: MechanismId): ContactAddress | undefined =>
  Object.hasOwn(contact.addresses, mechanism) ? contact.addresses[mechanism] : undefined;

export class ContactDirectory {
  readonly #contacts: readonly ContactSettings[];
  readonly #normalize: (mechanism: MechanismId, address: string) => string;

  constructor(contacts: readonly ContactSettings[], normalize: (mechanism: MechanismId, address: string) => string) {
    this.#contacts = contacts;
    this.#normalize = normalize;
  }

  all(): readonly ContactSettings[] {
    return this.#contacts;
  }

  get(id: ContactId): ContactSettings | undefined {
    return this.#contacts.find((c) => c.id === id);
  }

  /** The mechanisms this contact has an address on. */
  mechanismsOf(id: ContactId): MechanismId[] {
    return Object.keys(this.get(id)?.addresses ?? {});
  }

  address(id: ContactId, mechanism: MechanismId): ContactAddress | undefined {
    const contact = this.get(id);
    return contact ? own(contact, mechanism) : undefined;
  }

  /** Every contact with this address on this mechanism (normally one). */
  byAddress(mechanism: MechanismId, address: string): ContactSettings[] {
    const wanted = this.#normalize(mechanism, address);
    return this.#contacts.filter((c) => {
      const address = own(c, mechanism);
      return address !== undefined && this.#normalize(mechanism, address.address) === wanted;
    });
  }

  addressesOn(mechanism: MechanismId): string[] {
    return this.#contacts.flatMap((c) => own(c, mechanism)?.address ?? []);
  }
}

// The contact directory (the user configuration): logical contacts and their address on each
// mechanism, with that address's mechanism-specific settings. Replaced whole when contacts change.
import type { ContactId, MechanismId } from '../../shared/domain';
import type { ContactAddress, ContactSettings } from '../../shared/settings';

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
    return this.get(id)?.addresses[mechanism];
  }

  /** Every contact with this address on this mechanism (normally one). */
  byAddress(mechanism: MechanismId, address: string): ContactSettings[] {
    const wanted = this.#normalize(mechanism, address);
    return this.#contacts.filter((c) => {
      const own = c.addresses[mechanism];
      return own !== undefined && this.#normalize(mechanism, own.address) === wanted;
    });
  }

  addressesOn(mechanism: MechanismId): string[] {
    return this.#contacts.flatMap((c) => (c.addresses[mechanism] ? [c.addresses[mechanism].address] : []));
  }
}

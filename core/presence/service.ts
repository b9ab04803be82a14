// The presence service: remembers what each mechanism says about each address, and aggregates it per
// contact when asked. Kept per (mechanism, address) rather than per contact, so that a contact added,
// edited or merged while the app runs shows at once what the mechanisms already said of its addresses.
import type { ContactId, Glyph, MechanismId, PresenceShow } from '../../shared/domain';
import type { ContactDirectory } from '../contacts/directory';
import { aggregatePresence } from './aggregate';

export class PresenceService {
  /** mechanism → normalized address → what it last said */
  readonly #shows = new Map<MechanismId, Map<string, PresenceShow>>();
  readonly #contacts: () => ContactDirectory;

  constructor(contacts: () => ContactDirectory) {
    this.#contacts = contacts;
  }

  /** Records what a mechanism says of an address; returns the contacts whose glyph changed. */
  set(mechanism: MechanismId, address: string, show: PresenceShow): ContactId[] {
    const directory = this.#contacts();
    const key = directory.normalize(mechanism, address);
    const affected = directory.byAddress(mechanism, address);
    const before = affected.map((c) => this.glyph(c.id));
    let perAddress = this.#shows.get(mechanism);
    if (!perAddress) this.#shows.set(mechanism, (perAddress = new Map()));
    perAddress.set(key, show);
    return affected.filter((c, i) => this.glyph(c.id) !== before[i]).map((c) => c.id);
  }

  /** Forgets everything a mechanism said (it went down: it no longer knows). Returns the contacts whose glyph changed. */
  forgetMechanism(mechanism: MechanismId): ContactId[] {
    const perAddress = this.#shows.get(mechanism);
    if (!perAddress) return [];
    const directory = this.#contacts();
    const affected = [...new Set([...perAddress.keys()].flatMap((key) => directory.byAddress(mechanism, key).map((c) => c.id)))];
    const before = affected.map((id) => this.glyph(id));
    this.#shows.delete(mechanism);
    return affected.filter((id, i) => this.glyph(id) !== before[i]);
  }

  show(contactId: ContactId, mechanism: MechanismId): PresenceShow | undefined {
    const key = this.#contacts().normalizedAddress(contactId, mechanism);
    return key === undefined ? undefined : this.#shows.get(mechanism)?.get(key);
  }

  glyph(contactId: ContactId): Glyph {
    const directory = this.#contacts();
    const shows: PresenceShow[] = [];
    for (const mechanism of directory.mechanismsOf(contactId)) {
      const show = this.show(contactId, mechanism);
      if (show !== undefined) shows.push(show);
    }
    return aggregatePresence(shows);
  }
}

// The presence service: remembers what each mechanism says about each contact and aggregates it.
import type { ContactId, Glyph, MechanismId, PresenceShow } from '../../shared/domain';
import { aggregatePresence } from './aggregate';

export class PresenceService {
  readonly #shows = new Map<ContactId, Map<MechanismId, PresenceShow>>();

  /** Records a show; returns true when the contact's glyph changed. */
  set(contactId: ContactId, mechanism: MechanismId, show: PresenceShow): boolean {
    const before = this.glyph(contactId);
    let perMechanism = this.#shows.get(contactId);
    if (!perMechanism) this.#shows.set(contactId, (perMechanism = new Map()));
    perMechanism.set(mechanism, show);
    return before !== this.glyph(contactId);
  }

  /** Forgets everything a mechanism said (it went down: it no longer knows). Returns the contacts whose glyph changed. */
  forgetMechanism(mechanism: MechanismId): ContactId[] {
    const changed: ContactId[] = [];
    for (const [contactId, perMechanism] of this.#shows) {
      const before = this.glyph(contactId);
      perMechanism.delete(mechanism);
      if (before !== this.glyph(contactId)) changed.push(contactId);
    }
    return changed;
  }

  show(contactId: ContactId, mechanism: MechanismId): PresenceShow | undefined {
    return this.#shows.get(contactId)?.get(mechanism);
  }

  glyph(contactId: ContactId): Glyph {
    return aggregatePresence(this.#shows.get(contactId)?.values() ?? []);
  }
}

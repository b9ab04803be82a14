// The presence service: remembers what each mechanism says about each address (its show and the words
// the person set, such as "In a meeting"), and aggregates it per contact when asked. Kept per
// (mechanism, address) rather than per contact, so that a contact added, edited or merged while the
// app runs shows at once what the mechanisms already said of its addresses.
import { showRank, type AwayShow, type ContactId, type Glyph, type MechanismId, type PresenceChange, type PresenceShow } from '../../shared/domain';
import type { ContactDirectory } from '../contacts/directory';
import { aggregatePresence } from './aggregate';

interface Said {
  readonly show: PresenceShow;
  readonly status?: string;
}

/** A status is a line under a name, not a letter: longer ones are cut. */
export const MAX_STATUS_LENGTH = 200;

export class PresenceService {
  /** mechanism → normalized address → what it last said */
  readonly #said = new Map<MechanismId, Map<string, Said>>();
  readonly #contacts: () => ContactDirectory;

  constructor(contacts: () => ContactDirectory) {
    this.#contacts = contacts;
  }

  /** Records what a mechanism says of an address; returns the contacts whose glyph or status text changed. */
  set(mechanism: MechanismId, address: string, show: PresenceShow, status?: string): ContactId[] {
    const directory = this.#contacts();
    const key = directory.normalize(mechanism, address);
    const affected = directory.byAddress(mechanism, address);
    const before = affected.map((c) => this.#summary(c.id));
    let perAddress = this.#said.get(mechanism);
    if (!perAddress) this.#said.set(mechanism, (perAddress = new Map()));
    const words = status?.replace(/\s+/g, ' ').trim().slice(0, MAX_STATUS_LENGTH);
    perAddress.set(key, words && show !== 'offline' ? { show, status: words } : { show });
    return affected.filter((c, i) => this.#summary(c.id) !== before[i]).map((c) => c.id);
  }

  /** Forgets everything a mechanism said (it went down: it no longer knows). Returns the contacts whose presence changed. */
  forgetMechanism(mechanism: MechanismId): ContactId[] {
    const perAddress = this.#said.get(mechanism);
    if (!perAddress) return [];
    const directory = this.#contacts();
    const affected = [...new Set([...perAddress.keys()].flatMap((key) => directory.byAddress(mechanism, key).map((c) => c.id)))];
    const before = affected.map((id) => this.#summary(id));
    this.#said.delete(mechanism);
    return affected.filter((id, i) => this.#summary(id) !== before[i]);
  }

  show(contactId: ContactId, mechanism: MechanismId): PresenceShow | undefined {
    return this.#saidOf(contactId, mechanism)?.show;
  }

  glyph(contactId: ContactId): Glyph {
    const shows: PresenceShow[] = [];
    for (const mechanism of this.#contacts().mechanismsOf(contactId)) {
      const show = this.show(contactId, mechanism);
      if (show !== undefined) shows.push(show);
    }
    return aggregatePresence(shows);
  }

  /** The words the person set, from their most reachable address that has some; undefined when none has. */
  status(contactId: ContactId): string | undefined {
    let best: Said | undefined;
    for (const mechanism of this.#contacts().mechanismsOf(contactId)) {
      const said = this.#saidOf(contactId, mechanism);
      if (said?.status && (!best || showRank[said.show] > showRank[best.show])) best = said; // the most reachable address's words
    }
    return best?.status;
  }

  /** How they are not available (the most reachable of their away shows), when no address is available. */
  away(contactId: ContactId): AwayShow | undefined {
    let best: AwayShow | undefined;
    for (const mechanism of this.#contacts().mechanismsOf(contactId)) {
      const show = this.show(contactId, mechanism);
      if (show === 'available') return undefined;
      if (show !== undefined && show !== 'offline' && (!best || showRank[show] > showRank[best])) best = show;
    }
    return best;
  }

  /** The contact's presence as the window shows it. */
  presence(contactId: ContactId): Omit<PresenceChange, 'id'> {
    const status = this.status(contactId);
    const away = this.away(contactId);
    return { glyph: this.glyph(contactId), ...(status !== undefined && { status }), ...(away !== undefined && { away }) };
  }

  #saidOf(contactId: ContactId, mechanism: MechanismId): Said | undefined {
    const key = this.#contacts().normalizedAddress(contactId, mechanism);
    return key === undefined ? undefined : this.#said.get(mechanism)?.get(key);
  }

  /** Glyph and words in one comparable value, to tell whether a change is one. */
  #summary(contactId: ContactId): string {
    return `${this.glyph(contactId)}\n${this.away(contactId) ?? ''}\n${this.status(contactId) ?? ''}`;
  }
}

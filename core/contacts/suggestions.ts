// Link suggestions: addresses that look like one person's. Two people of the same name (whatever the
// case and spacing) may be one, to merge; someone an account's own contact list offers under a
// person's name may be that person, to link. The user accepts or dismisses each; a dismissed one
// stays dismissed across restarts. Ids are made from what is suggested, so they stay the same from
// one computation (and one start) to the next. Worked out again when the contacts or the people
// waiting change, in one pass over each: a list of 10,000 costs a few milliseconds, not a query each.
import { createHash } from 'node:crypto';
import type { ContactId, MechanismId } from '../../shared/domain';
import type { ContactSettings } from '../../shared/settings';
import type { LinkSuggestion } from '../../shared/views';
import { NotFoundError } from '../ipc/handlers';
import type { Dismissed } from '../settings/dismissed';
import { Windowed } from '../windowed';

/** Someone offered from an account's contact list, under a name. */
export interface RosterOffer {
  readonly id: string;
  readonly mechanism: MechanismId;
  readonly address: string;
  readonly name: string;
}

/** A name as compared for suggestions: case, spacing and compatible forms of a letter do not count. */
export const nameKey = (name: string): string => name.normalize('NFKC').toLocaleLowerCase().replace(/\s+/g, '');

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);

/** The same two people give the same id whichever would keep the addresses. */
export const mergeSuggestionId = (a: ContactId, b: ContactId) => `same-name:${digest(...[a, b].sort())}`;
export const linkSuggestionId = (contactId: ContactId, mechanism: MechanismId, address: string) => `roster:${digest(contactId, mechanism, address)}`;

/**
 * The suggestions for these people and offers, those dismissed left out. Of people of the same name,
 * the one with the most addresses (then the first in the list) keeps them; an offer is linked only to
 * a person with no address on that account yet (one address per account).
 */
export function findSuggestions(
  contacts: readonly ContactSettings[],
  offers: readonly RosterOffer[],
  dismissed: (id: string) => boolean,
  kindName: (mechanism: MechanismId) => string,
): LinkSuggestion[] {
  const byName = new Map<string, ContactSettings[]>();
  for (const contact of contacts) {
    const key = nameKey(contact.name);
    const same = byName.get(key);
    if (same) same.push(contact);
    else byName.set(key, [contact]);
  }
  const found: LinkSuggestion[] = [];
  for (const same of byName.values()) {
    if (same.length < 2) continue;
    const count = (c: ContactSettings) => Object.keys(c.addresses).length;
    const keeper = same.reduce((best, c) => (count(c) > count(best) ? c : best));
    for (const other of same) {
      if (other === keeper) continue;
      const id = mergeSuggestionId(keeper.id, other.id);
      if (!dismissed(id)) found.push({ id, contactId: keeper.id, name: keeper.name, other: { kind: 'contact', contactId: other.id }, why: 'Two people in your contacts have this name' });
    }
  }
  for (const offer of offers) {
    for (const contact of byName.get(nameKey(offer.name)) ?? []) {
      if (Object.hasOwn(contact.addresses, offer.mechanism)) continue;
      const id = linkSuggestionId(contact.id, offer.mechanism, offer.address);
      if (dismissed(id)) continue;
      found.push({
        id,
        contactId: contact.id,
        name: contact.name,
        other: { kind: 'address', strangerId: offer.id, mechanism: offer.mechanism, address: offer.address },
        why: `Someone of this name is in the contact list of your ${kindName(offer.mechanism)} account`,
      });
    }
  }
  return found;
}

export interface SuggestionsDeps {
  readonly contacts: () => readonly ContactSettings[];
  readonly offers: () => readonly RosterOffer[];
  readonly dismissed: Dismissed;
  readonly kindName: (mechanism: MechanismId) => string;
  readonly emit: (suggestions: LinkSuggestion[]) => void;
}

export class LinkSuggestions {
  readonly #d: SuggestionsDeps;
  readonly #window: Windowed;
  #current: LinkSuggestion[];
  #told: string;

  constructor(deps: SuggestionsDeps) {
    this.#d = deps;
    this.#current = this.#find();
    this.#told = JSON.stringify(this.#current);
    this.#window = new Windowed(() => this.#tell());
  }

  /** The suggestions now (a change still gathered is worked out first). */
  list(): LinkSuggestion[] {
    this.#window.flush();
    return this.#current;
  }

  get(id: string): LinkSuggestion {
    const suggestion = this.list().find((s) => s.id === id);
    if (!suggestion) throw new NotFoundError('That suggestion no longer applies.');
    return suggestion;
  }

  /** The contacts or the people waiting changed: worked out again, and told if different, within the window. */
  changed(): void {
    this.#window.trigger();
  }

  /** Turned down: never suggested again, after a restart either. */
  dismiss(id: string): void {
    this.get(id);
    this.#d.dismissed.add(id);
    this.#window.trigger();
    this.#window.flush();
  }

  /** Sends what is waiting to be sent (on stop, so that nothing waits behind a timer). */
  flush(): void {
    this.#window.flush();
  }

  #find(): LinkSuggestion[] {
    return findSuggestions(this.#d.contacts(), this.#d.offers(), (id) => this.#d.dismissed.has(id), this.#d.kindName);
  }

  #tell(): void {
    this.#current = this.#find();
    const told = JSON.stringify(this.#current);
    if (told === this.#told) return;
    this.#told = told;
    this.#d.emit(this.#current);
  }
}

// People as Settings edits them: a person's page (name and addresses), adding and changing one,
// removing one (their conversation stays in the database) and joining two into one. Every change
// applies at once: the book saves it, tells the window and the mechanisms (which then follow the
// addresses and their presence); what someone waiting in New people wrote from an address that
// becomes a person's moves into that person's conversation.
import type { ContactId, MechanismId } from '../../shared/domain';
import type { ContactAddress, ContactSettings } from '../../shared/settings';
import type { PersonView } from '../../shared/views';
import { InvalidInputError, NotFoundError } from '../ipc/handlers';
import type { ConversationSummaries } from '../messages/summaries';
import type { MessageStore } from '../messages/store';
import type { ContactBook } from './book';
import type { NewPeople } from './new-people';
import type { StrangerStore } from './strangers';

type Addresses = Readonly<Record<MechanismId, ContactAddress>>;

export interface AddressRules {
  /** The accounts set up, in the settings' order, each with its kind in words. */
  readonly accounts: () => readonly { readonly id: MechanismId; readonly kindName: string }[];
  /** An address as the account's plugin spells it (started or not). */
  readonly normalize: (mechanism: MechanismId, address: string) => string;
}

/**
 * A person's addresses after an edit: each address given replaces the one on that account, an empty
 * one removes it, and accounts not named keep theirs. An address that is the same once normalized
 * keeps its account-specific settings. An address on an account that is not set up is refused.
 */
export function editAddresses(current: Addresses, edits: Readonly<Record<string, string>>, rules: AddressRules): Record<MechanismId, ContactAddress> {
  // A map, not an object: an account id comes from the window and must never reach a prototype.
  const next = new Map(Object.entries(current));
  const accounts = new Set(rules.accounts().map((a) => a.id));
  for (const [mechanism, typed] of Object.entries(edits)) {
    const address = typed.trim();
    if (!address) {
      next.delete(mechanism);
      continue;
    }
    if (!accounts.has(mechanism)) throw new InvalidInputError(`There is no account "${mechanism}" to put the address ${address} on. Set the account up first, or leave that address out.`);
    const normalized = rules.normalize(mechanism, address);
    if (!normalized) throw new InvalidInputError(`"${address}" is not an address the account "${mechanism}" can use.`);
    const before = Object.hasOwn(current, mechanism) ? current[mechanism] : undefined;
    next.set(mechanism, before && rules.normalize(mechanism, before.address) === normalized ? { ...before, address: normalized } : { address: normalized, settings: {} });
  }
  return Object.fromEntries(next);
}

/** `from`'s addresses joined to `into`'s: where both have one on the same account, `into`'s stays. */
export function mergeAddresses(into: Addresses, from: Addresses): Record<MechanismId, ContactAddress> {
  return Object.fromEntries([...Object.entries(from), ...Object.entries(into)]);
}

export interface PeopleDeps {
  readonly book: ContactBook;
  readonly rules: AddressRules;
  readonly store: MessageStore;
  readonly summaries: ConversationSummaries;
  readonly strangers: StrangerStore;
  readonly newPeople: NewPeople;
}

export class People {
  readonly #d: PeopleDeps;

  constructor(deps: PeopleDeps) {
    this.#d = deps;
  }

  details(id: ContactId): PersonView {
    return this.#view(this.#get(id));
  }

  /** Adds a person (no id) or changes one; returns their page as it now is. */
  save(input: { contactId?: ContactId | undefined; name: string; addresses: Readonly<Record<string, string>> }): PersonView {
    const { book } = this.#d;
    const existing = input.contactId === undefined ? undefined : this.#get(input.contactId);
    const addresses = editAddresses(existing?.addresses ?? {}, input.addresses, this.#d.rules);
    const id = existing?.id ?? book.freshId(input.name);
    this.#refuseTaken(id, addresses);
    const contact: ContactSettings = { id, name: input.name.trim(), addresses };
    const all = book.directory.all();
    book.save(existing ? all.map((c) => (c.id === id ? contact : c)) : [...all, contact]);
    this.#settleWaiting(contact, existing?.addresses ?? {});
    return this.#view(contact);
  }

  /** Takes the person off the list; their conversation is kept in the database. */
  remove(id: ContactId): void {
    this.#get(id);
    this.#d.book.save(this.#d.book.directory.all().filter((c) => c.id !== id));
    this.#d.summaries.forget(id);
  }

  /** Joins `from` into `into`: its addresses (`into`'s own win on the same account) and its conversation; `from` is removed. */
  merge(intoId: ContactId, fromId: ContactId): PersonView {
    if (intoId === fromId) throw new InvalidInputError('A person cannot be merged with themselves.');
    const into = this.#get(intoId);
    const from = this.#get(fromId);
    const joined: ContactSettings = { ...into, addresses: mergeAddresses(into.addresses, from.addresses) };
    const { book, store, summaries } = this.#d;
    book.save(book.directory.all().flatMap((c) => (c.id === fromId ? [] : c.id === intoId ? [joined] : [c])));
    // What the turn gathered is committed first: the move is then its own write.
    store.flush();
    summaries.joined(intoId, fromId, () => store.moveContact(fromId, intoId));
    return this.#view(joined);
  }

  /** Puts an address someone waiting in New people has onto a person, and settles them there. */
  link(contactId: ContactId, mechanism: MechanismId, address: string): PersonView {
    const contact = this.#get(contactId);
    if (Object.hasOwn(contact.addresses, mechanism)) throw new InvalidInputError(`${contact.name} already has an address on that account; change it on their page instead.`);
    return this.save({ contactId, name: contact.name, addresses: { [mechanism]: address } });
  }

  #get(id: ContactId): ContactSettings {
    const contact = this.#d.book.directory.get(id);
    if (!contact) throw new NotFoundError('That person is no longer in your contacts.');
    return contact;
  }

  /** One address is one person: an address another person has is refused, pointing to a merge. */
  #refuseTaken(id: ContactId, addresses: Addresses): void {
    const directory = this.#d.book.directory;
    for (const [mechanism, { address }] of Object.entries(addresses)) {
      const other = directory.byAddress(mechanism, address).find((c) => c.id !== id);
      if (other) throw new InvalidInputError(`${other.name} already has the address ${address}. Merge the two people instead.`);
    }
  }

  /** Someone waiting in New people from one of the new addresses: what they wrote joins the person's conversation. */
  #settleWaiting(contact: ContactSettings, before: Addresses): void {
    const { strangers, newPeople, summaries, rules } = this.#d;
    let moved = false;
    for (const [mechanism, { address }] of Object.entries(contact.addresses)) {
      if (Object.hasOwn(before, mechanism) && before[mechanism]!.address === address) continue;
      const waiting = strangers.find(mechanism, rules.normalize(mechanism, address));
      if (!waiting || waiting.ignored) continue;
      this.#d.store.flush();
      newPeople.settle(waiting.id, contact.id);
      moved = true;
    }
    if (moved) summaries.reload(contact.id);
  }

  #view(contact: ContactSettings): PersonView {
    const accounts = this.#d.rules.accounts();
    const order = new Map(accounts.map((a, i) => [a.id, i]));
    const addresses = Object.entries(contact.addresses)
      .map(([mechanism, { address }]) => ({ mechanism, kindName: accounts.find((a) => a.id === mechanism)?.kindName ?? 'An account no longer set up', address }))
      .sort((a, b) => (order.get(a.mechanism) ?? Infinity) - (order.get(b.mechanism) ?? Infinity) || a.mechanism.localeCompare(b.mechanism));
    return { id: contact.id, name: contact.name, addresses };
  }
}

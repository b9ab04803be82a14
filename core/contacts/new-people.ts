// New people: those who wrote without being contacts, and those an account's own roster offers. The
// window is sent the first screenful and how many wait in all, at most once per window of time: a
// roster of thousands is read without an event per person. Accepting one makes them a contact and
// moves what they wrote into their conversation; ignoring one drops what they wrote.
import type { ContactId, ContactView, MechanismId, NewPeopleView } from '../../shared/domain';
import type { ContactSettings } from '../../shared/settings';
import type { CoreEvents } from '../events';
import { NotFoundError } from '../ipc/handlers';
import type { MessageStore } from '../messages/store';
import { Windowed } from '../windowed';
import type { ContactBook } from './book';
import { strangerConversation, type StrangerStore } from './strangers';

export class NewPeople {
  readonly #strangers: StrangerStore;
  readonly #book: ContactBook;
  readonly #store: MessageStore;
  readonly #events: CoreEvents;
  readonly #changed: Windowed;

  constructor(strangers: StrangerStore, book: ContactBook, store: MessageStore, events: CoreEvents) {
    this.#strangers = strangers;
    this.#book = book;
    this.#store = store;
    this.#events = events;
    this.#changed = new Windowed(() => this.#tell());
  }

  list(limit?: number): NewPeopleView {
    return this.#strangers.pending(limit);
  }

  /** The list changed (someone new wrote): the window is told within the window of time. */
  changed(): void {
    this.#changed.trigger();
  }

  /** Someone from an account's roster, unless they are a contact already. */
  suggest(mechanism: MechanismId, address: string, name: string | undefined): void {
    if (this.#book.directory.byAddress(mechanism, address).length) return;
    if (this.#strangers.suggest(mechanism, address, name)) this.#changed.trigger();
  }

  accept(strangerId: string, name: string): ContactView {
    const stranger = this.#strangers.get(strangerId);
    if (!stranger || stranger.ignored) throw new NotFoundError('That request is no longer open.');
    const contact: ContactSettings = { id: this.#book.freshId(name), name, addresses: { [stranger.mechanism]: { address: stranger.address, settings: {} } } };
    const view = this.#book.add(contact);
    this.settle(strangerId, contact.id);
    return view;
  }

  /** Someone waiting is now (an address of) a contact: what they wrote moves into that conversation, and they leave the list. */
  settle(strangerId: string, contactId: ContactId): void {
    this.#store.moveContact(strangerConversation(strangerId), contactId);
    this.#strangers.remove(strangerId);
    this.#tell();
  }

  ignore(strangerId: string): void {
    if (!this.#strangers.get(strangerId)) throw new NotFoundError('That request is no longer open.');
    this.#strangers.ignore(strangerId);
    this.#store.deleteContactMessages(strangerConversation(strangerId));
    this.#tell();
  }

  /** Sends what is waiting to be sent (on stop, so that nothing waits behind a timer). */
  flush(): void {
    this.#changed.flush();
  }

  #tell(): void {
    this.#events.emit('strangers:changed', this.#strangers.pending());
  }
}

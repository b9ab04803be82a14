// Presence changes on their way to the window: the contacts whose glyph or status text changed are
// gathered and sent as one list of changes at most every 50 ms, each contact once with its presence
// at sending time. A storm of ten thousand presence stanzas becomes a few small events, never the
// whole contact list each time.
import type { ContactId, PresenceChange } from '../../shared/domain';
import { Windowed } from '../windowed';

export const PRESENCE_WINDOW_MS = 50;

export class PresenceChanges {
  readonly #pending = new Set<ContactId>();
  readonly #window: Windowed;

  /** `presence` gives a contact's presence now, or undefined when it is no longer a contact. */
  constructor(presence: (id: ContactId) => Omit<PresenceChange, 'id'> | undefined, emit: (changes: PresenceChange[]) => void) {
    this.#window = new Windowed(() => {
      const changes: PresenceChange[] = [];
      for (const id of this.#pending) {
        const now = presence(id);
        if (now !== undefined) changes.push({ id, ...now });
      }
      this.#pending.clear();
      if (changes.length) emit(changes);
    }, PRESENCE_WINDOW_MS);
  }

  add(ids: Iterable<ContactId>): void {
    for (const id of ids) this.#pending.add(id);
    if (this.#pending.size) this.#window.trigger();
  }

  /** Sends what is gathered now (also on stop, so that nothing is left behind a timer). */
  flush(): void {
    this.#window.flush();
  }
}

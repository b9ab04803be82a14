// People not in the contact list who wrote: kept until the user accepts them as a contact or ignores them.
import { randomUUID } from 'node:crypto';
import type { MechanismId, StrangerView } from '../../shared/domain';
import type { Db } from '../storage/database';

export interface Stranger extends StrangerView {
  readonly mechanism: MechanismId;
  readonly ignored: boolean;
}

interface Row {
  id: string;
  mechanism: string;
  address: string;
  first_message: string;
  at: number;
  ignored: number;
  suggested: number;
  name: string | null;
}

const toStranger = (r: Row): Stranger => ({
  id: r.id,
  mechanism: r.mechanism,
  address: r.address,
  firstMessage: r.first_message,
  at: r.at,
  ignored: r.ignored === 1,
  suggested: r.suggested === 1,
  ...(r.name !== null && { name: r.name }),
});

export class StrangerStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** The stranger for this address, created on first contact. A suggestion that then writes becomes a writer. */
  findOrAdd(mechanism: MechanismId, address: string, firstMessage: string): { stranger: Stranger; isNew: boolean } {
    const existing = this.#db.prepare('SELECT * FROM strangers WHERE mechanism = ? AND address = ?').get(mechanism, address) as Row | undefined;
    if (existing) {
      if (existing.suggested === 1) {
        this.#db.prepare('UPDATE strangers SET suggested = 0, first_message = ?, at = ? WHERE id = ?').run(firstMessage.slice(0, 500), Date.now(), existing.id);
        return { stranger: this.get(existing.id)!, isNew: true };
      }
      return { stranger: toStranger(existing), isNew: false };
    }
    const id = randomUUID();
    this.#db.prepare('INSERT INTO strangers (id, mechanism, address, first_message, at) VALUES (?, ?, ?, ?, ?)').run(id, mechanism, address, firstMessage.slice(0, 500), Date.now());
    return { stranger: this.get(id)!, isNew: true };
  }

  /** Offers someone from an account's own contact list, once; returns whether it is new. */
  suggest(mechanism: MechanismId, address: string, name: string | undefined): boolean {
    const result = this.#db
      .prepare("INSERT OR IGNORE INTO strangers (id, mechanism, address, first_message, at, suggested, name) VALUES (?, ?, ?, '', ?, 1, ?)")
      .run(randomUUID(), mechanism, address, Date.now(), name?.slice(0, 200) ?? null);
    return result.changes > 0;
  }

  get(id: string): Stranger | undefined {
    const row = this.#db.prepare('SELECT * FROM strangers WHERE id = ?').get(id) as Row | undefined;
    return row && toStranger(row);
  }

  pending(): StrangerView[] {
    return (this.#db.prepare('SELECT * FROM strangers WHERE ignored = 0 ORDER BY at').all() as Row[]).map((r) => {
      const { mechanism: _m, ignored: _i, ...view } = toStranger(r);
      return view;
    });
  }

  ignore(id: string): void {
    this.#db.prepare('UPDATE strangers SET ignored = 1 WHERE id = ?').run(id);
  }

  remove(id: string): void {
    this.#db.prepare('DELETE FROM strangers WHERE id = ?').run(id);
  }
}

/** The conversation id under which a stranger's messages wait until they are accepted. */
export const strangerConversation = (id: string) => `stranger:${id}`;

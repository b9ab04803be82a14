// How far each account's server archive has been read (XMPP's MAM): the id of the last message a
// catch-up stored, or one that came live after it. A sign-in's catch-up starts there: one row read,
// where finding the newest server id among the messages held would scan them, and never the
// messages the user sent since (which carry no server id here) a second time.
import type { MechanismId } from '../../shared/domain';
import { preparedStatements, type Db } from '../storage/database';

export class ArchiveCursors {
  readonly #sql: ReturnType<typeof preparedStatements>;
  readonly #inTurn: (write: () => void) => void;

  /** `inTurn` runs a write in the store's turn transaction (MessageStore.evidence): a live message moves the cursor without a commit of its own. */
  constructor(db: Db, inTurn: (write: () => void) => void = (write) => write()) {
    this.#sql = preparedStatements(db);
    this.#inTurn = inTurn;
  }

  /** Where the mechanism last said it had read its archive to; undefined where it never said. */
  get(mechanism: MechanismId): string | undefined {
    const row = this.#sql('SELECT server_id AS id FROM archive_cursors WHERE mechanism = ?').get(mechanism) as { id: string } | undefined;
    return row?.id;
  }

  set(mechanism: MechanismId, serverId: string): void {
    this.#inTurn(() => this.#sql('INSERT INTO archive_cursors (mechanism, server_id) VALUES (?, ?) ON CONFLICT (mechanism) DO UPDATE SET server_id = excluded.server_id').run(mechanism, serverId));
  }

  /** The account now names another (or no) archive: its next catch-up starts from the messages held. */
  forget(mechanism: MechanismId): void {
    this.#sql('DELETE FROM archive_cursors WHERE mechanism = ?').run(mechanism);
  }
}

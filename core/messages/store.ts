// The message store: history, the outbox (outgoing messages still being delivered) and every attempt,
// in SQLite. A message is written here before any mechanism is asked to send it.
import type { AttemptView, ContactId, MechanismId, MessageView } from '../../shared/domain';
import { preparedStatements, type Db } from '../storage/database';
import type { Statement } from 'better-sqlite3';

export type MessagePatch = Partial<Pick<MessageView, 'state' | 'failure' | 'manager' | 'configuration' | 'expiresAt'>>;
type Outcome = AttemptView['outcome'];

const rank: Partial<Record<Outcome, number>> = { accepted: 1, delivered: 2, read: 3 };

interface MessageRow {
  id: string;
  contact_id: string;
  direction: 'in' | 'out';
  body: string;
  state: MessageView['state'];
  at: number;
  priority: MessageView['priority'];
  expires_at: number | null;
  chosen_manager: string | null;
  manager: string | null;
  configuration: string | null;
  failure: string | null;
}

interface AttemptRow {
  id: number;
  message_id: string;
  manager: string;
  configuration: string;
  mechanism: string;
  started_at: number;
  ended_at: number | null;
  outcome: Outcome;
  detail: string | null;
  fate_unknown: number;
}

const toView = (r: MessageRow): MessageView => ({
  id: r.id,
  contactId: r.contact_id,
  direction: r.direction,
  body: r.body,
  state: r.state,
  at: r.at,
  priority: r.priority,
  ...(r.expires_at !== null && { expiresAt: r.expires_at }),
  ...(r.chosen_manager !== null && { chosenManager: r.chosen_manager }),
  ...(r.manager !== null && { manager: r.manager }),
  ...(r.configuration !== null && { configuration: r.configuration }),
  ...(r.failure !== null && { failure: r.failure }),
});

const toAttempt = (r: AttemptRow): AttemptView => ({
  id: r.id,
  messageId: r.message_id,
  manager: r.manager,
  configuration: r.configuration,
  mechanism: r.mechanism,
  startedAt: r.started_at,
  outcome: r.outcome,
  ...(r.ended_at !== null && { endedAt: r.ended_at }),
  ...(r.detail !== null && { detail: r.detail }),
  ...(r.fate_unknown === 1 && { fateUnknown: true }),
});

const columns: Record<keyof MessagePatch, string> = {
  state: 'state',
  failure: 'failure',
  manager: 'manager',
  configuration: 'configuration',
  expiresAt: 'expires_at',
};

/**
 * The delivery path's writes share one commit per turn of the event loop (group commit): the
 * messages sent in a turn and the first attempt of each are one synced write, and nothing leaves for
 * a mechanism before it (a send waits on `durable()`); answers (acks, receipts, states) share an
 * unsynced one. The window is told of a change only once it is committed (`afterCommit`). A message
 * received is written at once (after what is gathered), since the server is told we have it.
 */
export class MessageStore {
  readonly #db: Db;
  /** Prepared once: parsing the same SQL for every message cost more than running it. */
  readonly #sql: (sql: string) => Statement;
  /** The transaction this store opened and commits at the end of the turn, if one is open. */
  #batch:
    | {
        timer: ReturnType<typeof setImmediate>;
        synced: boolean;
        waiters: { resolve: () => void; reject: (error: unknown) => void }[];
        /** What to tell once the commit is done, in the order it was asked for. */
        after: (() => void)[];
      }
    | undefined;

  constructor(db: Db) {
    this.#db = db;
    this.#sql = preparedStatements(db);
  }

  /**
   * Runs a write in the turn's transaction, opening it (and scheduling its commit) if none is open.
   * What must survive a power cut (`kept`: a message to send, the record that an attempt may have
   * left) is committed synced (FULL); evidence (a server's ack, a receipt, a state shown) is not: WAL
   * keeps it through a crash of the process, and a power cut can lose only that, never a message or
   * the record that it may have left. Kept writes arriving in an evidence turn start a synced one.
   */
  #gathered<T>(write: () => T, kept = false): T {
    if (kept && this.#batch && !this.#batch.synced) this.flush();
    if (!this.#batch && !this.#db.inTransaction) {
      // Set between transactions only (SQLite refuses it inside one); flush() sets FULL back, so that
      // every other write on this connection stays synced.
      if (!kept) this.#db.pragma('synchronous = NORMAL');
      this.#db.exec('BEGIN');
      this.#batch = { timer: setImmediate(() => this.flush()), synced: kept, waiters: [], after: [] };
    }
    return write();
  }

  /**
   * Evidence written by another part on this connection (a message's name on its server, how far an
   * archive was read): in the turn's transaction, unsynced, so that a message received costs one
   * synced commit however many such notes follow it.
   */
  evidence(write: () => void): void {
    this.#gathered(write);
  }

  /**
   * Runs `tell` once what was written so far is committed (at once when nothing waits for a commit):
   * the window is told only what is kept, so that a crash never takes back a state it was shown. A
   * commit that fails tells nothing.
   */
  afterCommit(tell: () => void): void {
    if (this.#batch) this.#batch.after.push(tell);
    else tell();
  }

  /** Resolves once what was written so far is committed (at once when nothing is waiting for a commit). */
  durable(): Promise<void> {
    const batch = this.#batch;
    if (!batch) return Promise.resolve();
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  /**
   * Commits what is gathered now (also before the database closes); a failed commit is rolled back and
   * told to those waiting. Call it before opening a transaction of one's own, never inside one.
   */
  flush(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    clearImmediate(batch.timer);
    if (!this.#db.open) {
      // Closed with a turn still gathered (only a test closes it so): nothing of it was kept.
      for (const w of batch.waiters) w.reject(new Error('the database was closed before the commit'));
      return;
    }
    try {
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      for (const w of batch.waiters) w.reject(error);
      return;
    } finally {
      if (!batch.synced) this.#db.pragma('synchronous = FULL');
    }
    // Told in order; one listener that throws does not keep the others, or those waiting, from their turn.
    let failed: { error: unknown } | undefined;
    for (const tell of batch.after) {
      try {
        tell();
      } catch (error) {
        failed ??= { error };
      }
    }
    for (const w of batch.waiters) w.resolve();
    if (failed) throw failed.error;
  }

  /** A message received (or any single one): written and committed now, with whatever the turn gathered. */
  add(m: MessageView): void {
    if (this.#batch) this.flush();
    this.#insert(m);
  }

  #insert(m: MessageView): void {
    this.#sql(
      `INSERT INTO messages (id, contact_id, direction, body, state, at, priority, expires_at, chosen_manager, manager, configuration, failure)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(m.id, m.contactId, m.direction, m.body, m.state, m.at, m.priority, m.expiresAt ?? null, m.chosenManager ?? null, m.manager ?? null, m.configuration ?? null, m.failure ?? null);
  }

  /** Messages to send, in the turn's transaction: on disk once `durable()` resolves. */
  addMany(messages: readonly MessageView[]): void {
    this.#gathered(() => {
      for (const m of messages) this.#insert(m);
    }, true);
  }

  update(id: string, patch: MessagePatch): MessageView | undefined {
    const keys = (Object.keys(patch) as (keyof MessagePatch)[]).filter((k) => k in columns);
    if (keys.length) {
      const sets = keys.map((k) => `${columns[k]} = ?`).join(', ');
      this.#gathered(() => this.#sql(`UPDATE messages SET ${sets} WHERE id = ?`).run(...keys.map((k) => patch[k] ?? null), id));
    }
    return this.get(id);
  }

  get(id: string): MessageView | undefined {
    const row = this.#sql('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
    return row && toView(row);
  }

  list(contactId: ContactId): MessageView[] {
    return (this.#sql('SELECT * FROM messages WHERE contact_id = ? ORDER BY at, rowid').all(contactId) as MessageRow[]).map(toView);
  }

  /**
   * A page of a conversation, oldest first: the newest `limit` before the cursor (ordered by time,
   * then id), or the newest of all. Served by the (contact_id, at, id) index: as fast on the 100,000th
   * message as on the first.
   */
  page(contactId: ContactId, limit: number, before?: { at: number; id: string }): MessageView[] {
    const rows = before
      ? // A row value, so that the index seeks straight to the cursor instead of walking down to it.
        (this.#sql('SELECT * FROM messages WHERE contact_id = ? AND (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?').all(contactId, before.at, before.id, limit) as MessageRow[])
      : (this.#sql('SELECT * FROM messages WHERE contact_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(contactId, limit) as MessageRow[]);
    return rows.reverse().map(toView);
  }

  /** The outbox: outgoing messages whose delivery has not ended. */
  unfinished(): MessageView[] {
    return (this.#sql("SELECT * FROM messages WHERE direction = 'out' AND state IN ('sending', 'waiting') ORDER BY at").all() as MessageRow[]).map(toView);
  }

  /** The messages sent to a contact after their last message before `at`: the ones a reply at `at` answers. */
  unanswered(contactId: ContactId, at: number): MessageView[] {
    return (
      this.#db
        .prepare(
          `SELECT * FROM messages WHERE contact_id = ? AND direction = 'out' AND at <= ?
             AND at >= COALESCE((SELECT MAX(at) FROM messages WHERE contact_id = ? AND direction = 'in' AND at < ?), 0) ORDER BY at`,
        )
        .all(contactId, at, contactId, at) as MessageRow[]
    ).map(toView);
  }

  recentOutgoing(limit: number): MessageView[] {
    return (this.#sql("SELECT * FROM messages WHERE direction = 'out' ORDER BY at DESC, rowid DESC LIMIT ?").all(limit) as MessageRow[]).map(toView);
  }

  moveContact(from: ContactId, to: ContactId): void {
    this.#sql('UPDATE messages SET contact_id = ? WHERE contact_id = ?').run(to, from);
    // An id the conversation already has stays with its first message.
    this.#sql('UPDATE OR IGNORE incoming_ids SET contact_id = ? WHERE contact_id = ?').run(to, from);
    this.#sql('DELETE FROM incoming_ids WHERE contact_id = ?').run(from);
  }

  /** Whether any message is kept under this conversation id (a person removed keeps theirs). */
  hasConversation(contactId: ContactId): boolean {
    return this.#sql('SELECT 1 FROM messages WHERE contact_id = ? LIMIT 1').get(contactId) !== undefined;
  }

  /** When the newest message of a conversation was had (0 when it has none). */
  latestAt(contactId: ContactId): number {
    const row = this.#sql('SELECT MAX(at) AS at FROM messages WHERE contact_id = ?').get(contactId) as { at: number | null };
    return row.at ?? 0;
  }

  /** The newest server id noted for a message received on this mechanism (see incomingIds), without its prefix. */
  lastServerId(mechanism: MechanismId): string | undefined {
    const prefix = `server:${mechanism}:`;
    const row = this.#sql(
      'SELECT i.remote_id AS id FROM incoming_ids i JOIN messages m ON m.id = i.message_id WHERE substr(i.remote_id, 1, length(?)) = ? ORDER BY m.at DESC, m.rowid DESC LIMIT 1',
    ).get(prefix, prefix) as { id: string } | undefined;
    return row?.id.slice(prefix.length);
  }

  /** Whether a received message in this conversation already carries one of these remote ids. */
  hasIncoming(contactId: ContactId, remoteIds: readonly string[]): boolean {
    if (!remoteIds.length) return false;
    const row = this.#sql('SELECT 1 FROM incoming_ids WHERE contact_id = ? AND remote_id IN (SELECT value FROM json_each(?)) LIMIT 1').get(contactId, JSON.stringify(remoteIds));
    return row !== undefined;
  }

  /** Records the remote ids a received (and stored) message came with. */
  noteIncoming(contactId: ContactId, messageId: string, remoteIds: readonly string[]): void {
    const insert = this.#sql('INSERT OR IGNORE INTO incoming_ids (contact_id, remote_id, message_id) VALUES (?, ?, ?)');
    for (const remoteId of remoteIds) insert.run(contactId, remoteId, messageId);
  }

  deleteContactMessages(contactId: ContactId): void {
    this.#sql('DELETE FROM messages WHERE contact_id = ?').run(contactId);
  }

  /** Keeps only the newest `keep` messages of these conversations taken together; returns how many went. */
  dropOldest(contactIds: readonly ContactId[], keep: number): number {
    return this.#db
      .prepare(
        `DELETE FROM messages WHERE rowid IN (
           SELECT rowid FROM messages WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY at DESC, rowid DESC LIMIT -1 OFFSET ?)`,
      )
      .run(JSON.stringify(contactIds), keep).changes;
  }

  beginAttempt(a: { messageId: string; manager: string; configuration: string; mechanism: MechanismId; outcome?: Outcome; detail?: string }): number {
    const now = Date.now();
    const final = a.outcome !== undefined && a.outcome !== 'pending';
    const result = this.#gathered(() =>
      this.#sql('INSERT INTO attempts (message_id, manager, configuration, mechanism, started_at, ended_at, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        a.messageId,
        a.manager,
        a.configuration,
        a.mechanism,
        now,
        final ? now : null,
        a.outcome ?? 'pending',
        a.detail ?? null,
      ),
      true,
    );
    return Number(result.lastInsertRowid);
  }

  endAttempt(id: number, outcome: Outcome, detail?: string, fateUnknown = false): void {
    // A receipt may have arrived before the server's ack: never downgrade what the device confirmed.
    this.#gathered(() =>
      this.#sql(
        "UPDATE attempts SET outcome = CASE WHEN outcome IN ('delivered', 'read') AND ? = 'accepted' THEN outcome ELSE ? END, ended_at = ?, detail = COALESCE(?, detail), fate_unknown = MAX(fate_unknown, ?) WHERE id = ?",
      ).run(outcome, outcome, Date.now(), detail ?? null, fateUnknown ? 1 : 0, id),
    );
  }

  noteAttempt(id: number, detail: string): void {
    this.#gathered(() => this.#sql('UPDATE attempts SET detail = ? WHERE id = ?').run(detail, id));
  }

  /**
   * A receipt upgrades the best attempt on that mechanism (accepted → delivered → read) and returns it.
   * One still pending, or interrupted by a stop before the server answered, counts too: the device
   * cannot confirm what the server never took.
   */
  upgradeAttempt(messageId: string, mechanism: MechanismId, level: 'delivered' | 'read'): AttemptView | undefined {
    const rows = this.#sql('SELECT * FROM attempts WHERE message_id = ? AND mechanism = ?').all(messageId, mechanism) as AttemptRow[];
    const best = rows.filter((r) => r.outcome === 'pending' || r.outcome === 'interrupted' || rank[r.outcome]).sort((a, b) => (rank[b.outcome] ?? 0.5) - (rank[a.outcome] ?? 0.5))[0];
    if (!best || (rank[best.outcome] ?? 0) >= rank[level]!) return undefined;
    this.#gathered(() => this.#sql('UPDATE attempts SET outcome = ?, ended_at = ? WHERE id = ?').run(level, Date.now(), best.id));
    return this.attempt(best.id);
  }

  /** The furthest this message got on a mechanism, if it was accepted there at all. */
  bestOutcome(messageId: string, mechanism: MechanismId): 'accepted' | 'delivered' | 'read' | undefined {
    const rows = this.#sql('SELECT outcome FROM attempts WHERE message_id = ? AND mechanism = ?').all(messageId, mechanism) as { outcome: Outcome }[];
    let best: 'accepted' | 'delivered' | 'read' | undefined;
    for (const { outcome } of rows) if (rank[outcome] && (!best || rank[outcome]! > rank[best]!)) best = outcome as typeof best;
    return best;
  }

  attempt(id: number): AttemptView | undefined {
    const row = this.#sql('SELECT * FROM attempts WHERE id = ?').get(id) as AttemptRow | undefined;
    return row && toAttempt(row);
  }

  attempts(messageId: string): AttemptView[] {
    return (this.#sql('SELECT * FROM attempts WHERE message_id = ? ORDER BY id').all(messageId) as AttemptRow[]).map(toAttempt);
  }

  /** Attempts left 'pending' by a process that died mid-send: their outcome is unknown, not failed. */
  closeInterruptedAttempts(): void {
    this.#db
      .prepare("UPDATE attempts SET outcome = 'interrupted', ended_at = ?, detail = 'Switchboard stopped without shutting down during this attempt' WHERE outcome = 'pending'")
      .run(Date.now());
  }
}

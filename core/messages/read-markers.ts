// Read state that travels (XMPP chat markers, XEP-0333): the name each mechanism gave a received
// message is kept, with whether its sender asked to be told when it is read. Reading a conversation
// here tells each such sender once, naming the newest message (a marker covers every earlier one);
// a marker the user's other device sent names a message, and the conversation is read up to it here.
import type { ContactId, MechanismId } from '../../shared/domain';
import type { IncomingMessage } from '../../shared/mechanism';
import { preparedStatements, type Db } from '../storage/database';
import type { Statement } from 'better-sqlite3';

/** A message whose sender is owed a read marker. */
export interface OwedMarker {
  readonly messageId: string;
  readonly mechanism: MechanismId;
  readonly address: string;
  readonly ref: string;
  readonly at: number;
}

/** A mechanism's name for a message is cut to this: it is an id, not a text. */
const MAX_REF = 200;

/**
 * Of the messages owed a marker, the newest per mechanism and address (by time, then id): one marker
 * for each, since a marker says every earlier message was seen too.
 */
export function newestPerSender(owed: readonly OwedMarker[]): OwedMarker[] {
  const newest = new Map<string, OwedMarker>();
  for (const o of owed) {
    const key = `${o.mechanism}\n${o.address}`;
    const best = newest.get(key);
    if (!best || o.at > best.at || (o.at === best.at && o.messageId > best.messageId)) newest.set(key, o);
  }
  return [...newest.values()];
}

export interface ReadMarkersDeps {
  readonly db: Db;
  /** Runs a write in the store's turn transaction (MessageStore.evidence): no commit of its own per message. */
  readonly inTurn: (write: () => void) => void;
  /** Whether read markers are sent (the profile's `sendReadMarkers`). */
  readonly enabled: () => boolean;
  /** Sends one marker through the mechanism; false when it could not (not connected, no markers there). */
  readonly send: (mechanism: MechanismId, address: string, ref: string) => Promise<boolean>;
  /** The user read the conversation up to a message of this time elsewhere. */
  readonly readUpTo: (contactId: ContactId, at: number) => void;
  readonly log: { info(message: string): void };
}

export class ReadMarkers {
  readonly #deps: ReadMarkersDeps;
  readonly #sql: (sql: string) => Statement;

  constructor(deps: ReadMarkersDeps) {
    this.#deps = deps;
    this.#sql = preparedStatements(deps.db);
  }

  /** A message was kept as `messageId`: its mechanism's name for it, and whether a marker is owed for it. */
  noteIncoming(messageId: string, mechanism: MechanismId, message: IncomingMessage): void {
    const ref = message.ref;
    if (typeof ref !== 'string' || !ref) return;
    this.#deps.inTurn(() =>
      this.#sql('INSERT OR IGNORE INTO incoming_refs (message_id, mechanism, address, ref, owed) VALUES (?, ?, ?, ?, ?)').run(
        messageId,
        mechanism,
        String(message.from),
        ref.slice(0, MAX_REF),
        message.markable === true ? 1 : 0,
      ),
    );
  }

  /** The messages of a conversation whose senders are owed a marker. */
  owed(contactId: ContactId): OwedMarker[] {
    return this.#sql(
      `SELECT r.message_id AS messageId, r.mechanism, r.address, r.ref, m.at
         FROM incoming_refs r INDEXED BY incoming_refs_owed JOIN messages m ON m.id = r.message_id
        WHERE r.owed = 1 AND m.contact_id = ?`,
    ).all(contactId) as OwedMarker[];
  }

  /**
   * The user read the conversation: each sender owed a marker is sent one for their newest message
   * (none when the setting is off), and nothing of it is owed any more. A marker that could not be
   * sent stays owed, for the next reading.
   */
  async read(contactId: ContactId): Promise<void> {
    const owed = this.owed(contactId);
    if (!owed.length) return;
    this.#settle(owed.map((o) => o.messageId));
    if (!this.#deps.enabled()) return;
    await Promise.all(
      newestPerSender(owed).map(async (o) => {
        if (await this.#deps.send(o.mechanism, o.address, o.ref)) return;
        this.#deps.log.info(`${o.mechanism}: the read marker could not be sent now; it goes at the next reading`);
        this.#sql('UPDATE incoming_refs SET owed = 1 WHERE message_id = ?').run(o.messageId);
      }),
    );
  }

  /**
   * The user's other device says they read what `address` wrote up to the message `mechanism` named
   * `ref` in conversation `contactId`: read here up to it, and that device has told the sender.
   */
  readElsewhere(contactId: ContactId, mechanism: MechanismId, ref: string): void {
    const row = this.#sql(
      `SELECT m.at FROM incoming_refs r JOIN messages m ON m.id = r.message_id
        WHERE r.mechanism = ? AND r.ref = ? AND m.contact_id = ? AND m.direction = 'in' ORDER BY m.at DESC LIMIT 1`,
    ).get(mechanism, ref.slice(0, MAX_REF), contactId) as { at: number } | undefined;
    if (!row) return;
    const before = this.owed(contactId).filter((o) => o.mechanism === mechanism && o.at <= row.at);
    this.#settle(before.map((o) => o.messageId));
    this.#deps.readUpTo(contactId, row.at);
  }

  #settle(messageIds: readonly string[]): void {
    this.#sql('UPDATE incoming_refs SET owed = 0 WHERE message_id IN (SELECT value FROM json_each(?))').run(JSON.stringify(messageIds));
  }
}

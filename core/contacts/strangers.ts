// People not in the contact list who wrote: kept until the user accepts them as a contact or ignores them,
// within limits, so that anyone who knows an address cannot fill the disk or drown the New people list.
import { randomUUID } from 'node:crypto';
import { NEW_PEOPLE_SHOWN, type MechanismId, type MessageView, type NewPeopleView, type StrangerView } from '../../shared/domain';
import type { Logger } from '../../shared/mechanism';
import type { MessageStore } from '../messages/store';
import { preparedStatements, type Db } from '../storage/database';
import type { Statement } from 'better-sqlite3';

/** How much people not in the contact list can make Switchboard keep, and how fast: tune here only. */
export interface StrangerLimits {
  /** Messages kept from one stranger; older ones are dropped. */
  readonly messagesPerStranger: number;
  /** Messages kept from all strangers together; the oldest are dropped. */
  readonly messagesFromStrangers: number;
  /** People who wrote and wait in New people; beyond it, the one who wrote longest ago goes with their messages. */
  readonly waitingStrangers: number;
  /** Messages one stranger (a mechanism and address) may send at once... */
  readonly burst: number;
  /** ...and then one per this many milliseconds; the rest are dropped, never stored. */
  readonly refillMs: number;
  /** Dropped messages are noted in the log at most once per sender in this many milliseconds. */
  readonly noteEveryMs: number;
  /** Senders whose rate is remembered at once; the one heard from longest ago is forgotten first. */
  readonly trackedSenders: number;
}

export const strangerLimits: StrangerLimits = {
  messagesPerStranger: 20,
  messagesFromStrangers: 500,
  waitingStrangers: 200,
  burst: 5,
  refillMs: 10_000,
  noteEveryMs: 60_000,
  trackedSenders: 1_000,
};

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
  readonly #sql: (sql: string) => Statement;
  readonly #limits: StrangerLimits;

  constructor(db: Db, limits: StrangerLimits = strangerLimits) {
    this.#sql = preparedStatements(db);
    this.#limits = limits;
  }

  /**
   * The stranger for this address, created on first contact. A suggestion that then writes becomes a writer.
   * `dropped` names the strangers who went to keep the number waiting within its limit.
   */
  findOrAdd(mechanism: MechanismId, address: string, firstMessage: string): { stranger: Stranger; isNew: boolean; dropped: string[] } {
    const existing = this.find(mechanism, address);
    if (existing) {
      if (existing.suggested) {
        this.#sql('UPDATE strangers SET suggested = 0, first_message = ?, at = ? WHERE id = ?').run(firstMessage.slice(0, 500), Date.now(), existing.id);
        return { stranger: this.get(existing.id)!, isNew: true, dropped: this.#dropLongestWaiting(existing.id) };
      }
      return { stranger: existing, isNew: false, dropped: [] };
    }
    const id = randomUUID();
    this.#sql('INSERT INTO strangers (id, mechanism, address, first_message, at) VALUES (?, ?, ?, ?, ?)').run(id, mechanism, address, firstMessage.slice(0, 500), Date.now());
    return { stranger: this.get(id)!, isNew: true, dropped: this.#dropLongestWaiting(id) };
  }

  find(mechanism: MechanismId, address: string): Stranger | undefined {
    const row = this.#sql('SELECT * FROM strangers WHERE mechanism = ? AND address = ?').get(mechanism, address) as Row | undefined;
    return row && toStranger(row);
  }

  /** Beyond the limit of people waiting, those who wrote longest ago go; never `newcomer`, and never suggestions. */
  #dropLongestWaiting(newcomer: string): string[] {
    const ids = (
      this
        .#sql('SELECT id FROM strangers WHERE ignored = 0 AND suggested = 0 AND id != ? ORDER BY at DESC, rowid DESC LIMIT -1 OFFSET ?')
        .all(newcomer, Math.max(0, this.#limits.waitingStrangers - 1)) as { id: string }[]
    ).map((r) => r.id);
    if (ids.length) this.#sql('DELETE FROM strangers WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
    return ids;
  }

  /** Offers someone from an account's own contact list, once; returns whether it is new. */
  suggest(mechanism: MechanismId, address: string, name: string | undefined): boolean {
    const result = this
      .#sql("INSERT OR IGNORE INTO strangers (id, mechanism, address, first_message, at, suggested, name) VALUES (?, ?, ?, '', ?, 1, ?)")
      .run(randomUUID(), mechanism, address, Date.now(), name?.slice(0, 200) ?? null);
    return result.changes > 0;
  }

  /** Those offered from an account's contact list under a name, still waiting: the ones a link suggestion may name. */
  offeredWithName(): { id: string; mechanism: MechanismId; address: string; name: string }[] {
    return this.#sql('SELECT id, mechanism, address, name FROM strangers WHERE suggested = 1 AND ignored = 0 AND name IS NOT NULL ORDER BY rowid').all() as {
      id: string;
      mechanism: string;
      address: string;
      name: string;
    }[];
  }

  get(id: string): Stranger | undefined {
    const row = this.#sql('SELECT * FROM strangers WHERE id = ?').get(id) as Row | undefined;
    return row && toStranger(row);
  }

  /** The first `limit` of those waiting (people who wrote, newest first, then those offered), and how many wait in all. */
  pending(limit = NEW_PEOPLE_SHOWN): NewPeopleView {
    const rows = this.#sql('SELECT * FROM strangers WHERE ignored = 0 ORDER BY suggested, (CASE WHEN suggested = 0 THEN -at ELSE at END), (CASE WHEN suggested = 0 THEN -rowid ELSE rowid END) LIMIT ?').all(limit) as Row[];
    const { total } = this.#sql('SELECT COUNT(*) AS total FROM strangers WHERE ignored = 0').get() as { total: number };
    const people = rows.map((r): StrangerView => {
      const { mechanism: _m, ignored: _i, ...view } = toStranger(r);
      return view;
    });
    return { people, total };
  }

  /** The conversations where the messages of everyone waiting are kept. */
  waitingConversations(): string[] {
    return (this.#sql('SELECT id FROM strangers WHERE ignored = 0').all() as { id: string }[]).map((r) => strangerConversation(r.id));
  }

  ignore(id: string): void {
    this.#sql('UPDATE strangers SET ignored = 1 WHERE id = ?').run(id);
  }

  remove(id: string): void {
    this.#sql('DELETE FROM strangers WHERE id = ?').run(id);
  }
}

interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
  notedAt?: number;
}

/**
 * A token bucket per sender (mechanism and address): a burst, then a steady trickle. One sender's flood
 * then costs a counter, not a row per message.
 */
export class StrangerFloodGate {
  readonly #buckets = new Map<string, Bucket>();
  readonly #log: Logger;
  readonly #limits: StrangerLimits;
  readonly #now: () => number;
  #dropped = 0;

  constructor(log: Logger, limits: StrangerLimits = strangerLimits, now: () => number = Date.now) {
    this.#log = log;
    this.#limits = limits;
    this.#now = now;
  }

  /** Messages dropped for coming too fast since the app started. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether one more message from this sender may be kept now; one that may not is counted, and noted in the log now and then. */
  allow(mechanism: MechanismId, address: string): boolean {
    const { burst, refillMs, noteEveryMs, trackedSenders } = this.#limits;
    const key = `${mechanism}\n${address}`;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now, dropped: 0 };
    // Re-inserted so that the map's first entry is always the sender heard from longest ago.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > trackedSenders) this.#buckets.delete(this.#buckets.keys().next().value!);
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) / refillMs);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.#dropped++;
    bucket.dropped++;
    if (bucket.notedAt === undefined || now - bucket.notedAt >= noteEveryMs) {
      const since = bucket.notedAt === undefined ? '' : ' since the last note';
      this.#log.warn(`${mechanism}: ${address}, who is not a contact, wrote more than ${burst} messages at once or more than one every ${refillMs / 1000} s; ${bucket.dropped} dropped${since}`);
      bucket.dropped = 0;
      bucket.notedAt = now;
    }
    return false;
  }
}

/** Where messages from people not in the contact list go: into their waiting conversation, within the limits. */
export class StrangerInbox {
  readonly #db: Db;
  readonly #strangers: StrangerStore;
  readonly #messages: MessageStore;
  readonly #gate: StrangerFloodGate;
  readonly #limits: StrangerLimits;

  constructor(db: Db, strangers: StrangerStore, messages: MessageStore, gate: StrangerFloodGate, limits: StrangerLimits = strangerLimits) {
    this.#db = db;
    this.#strangers = strangers;
    this.#messages = messages;
    this.#gate = gate;
    this.#limits = limits;
  }

  /**
   * Stores a stranger's message, dropping the oldest beyond the limits; returns it, and whether the New
   * people list changed. Nothing is stored from someone ignored or sending too fast.
   */
  receive(mechanism: MechanismId, address: string, message: Omit<MessageView, 'contactId'>): { message: MessageView; listChanged: boolean } | undefined {
    if (this.#strangers.find(mechanism, address)?.ignored) return undefined;
    if (!this.#gate.allow(mechanism, address)) return undefined;
    // What the delivery path gathered is committed first: this transaction is then the only one open,
    // and the message received is on disk when it returns.
    this.#messages.flush();
    return this.#db.transaction(() => {
      const { stranger, isNew, dropped } = this.#strangers.findOrAdd(mechanism, address, message.body);
      for (const id of dropped) this.#messages.deleteContactMessages(strangerConversation(id));
      const view: MessageView = { ...message, contactId: strangerConversation(stranger.id) };
      this.#messages.add(view);
      this.#messages.dropOldest([view.contactId], this.#limits.messagesPerStranger);
      this.#messages.dropOldest(this.#strangers.waitingConversations(), this.#limits.messagesFromStrangers);
      return { message: view, listChanged: isNew || dropped.length > 0 };
    })();
  }
}

/** The conversation id under which a stranger's messages wait until they are accepted. */
export const strangerConversation = (id: string) => `stranger:${id}`;

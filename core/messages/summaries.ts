// Conversation summaries for the contact list: per person, the last message (when, a line of it, which
// way) and how many incoming messages came after the user's read mark. Read from the database once at
// start, in one query on the conversation index, then kept in memory from the messages the core tells
// the window about (`messages:changed`): 10,000 people and 100,000 messages cost no query per message.
// Changes are gathered and sent at most every 50 ms, only the summaries that changed, like presence.
import type { ContactId, MessageView } from '../../shared/domain';
import type { ConversationSummary } from '../../shared/views';
import { preparedStatements, type Db } from '../storage/database';
import { Windowed } from '../windowed';
import type { Statement } from 'better-sqlite3';

export const PREVIEW_LENGTH = 120;
export const SUMMARIES_WINDOW_MS = 50;

/** What is kept of one conversation: its summary, the last message's id (to tell a change of it from a new one) and the read mark. */
export interface Conversation {
  readonly lastAt: number;
  readonly lastId: string;
  readonly preview: string;
  readonly lastDirection: 'in' | 'out';
  readonly unread: number;
  /** The time of the newest message when the user last read the conversation; none: never read. */
  readonly readAt: number | undefined;
}

/** A message's text as one line of at most PREVIEW_LENGTH characters (never half of a character outside the BMP). */
export function previewOf(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  if (line.length <= PREVIEW_LENGTH) return line;
  const cut = /[\uD800-\uDBFF]/.test(line[PREVIEW_LENGTH - 1]!) ? PREVIEW_LENGTH - 1 : PREVIEW_LENGTH;
  return line.slice(0, cut);
}

/** Whether a message sorts after the conversation's last one, as the conversation orders them (time, then id). */
const isLater = (m: MessageView, c: Conversation) => m.at > c.lastAt || (m.at === c.lastAt && m.id > c.lastId);

/** Whether a message counts as unread against a read mark: incoming and after it. */
const unreadAgainst = (m: Pick<MessageView, 'direction' | 'at'>, readAt: number | undefined) => m.direction === 'in' && (readAt === undefined || m.at > readAt);

/**
 * The conversation after a message was stored or changed. Incoming messages are told once, when kept
 * (only outgoing ones change state), so an incoming one not seen as the last one is a new one.
 * What the user wrote on another device is stored outgoing: never unread.
 */
export function withMessage(c: Conversation | undefined, m: MessageView): Conversation {
  if (!c) return { lastAt: m.at, lastId: m.id, preview: previewOf(m.body), lastDirection: m.direction, unread: unreadAgainst(m, undefined) ? 1 : 0, readAt: undefined };
  const fresh = m.id !== c.lastId && m.direction === 'in' && m.state === 'received';
  const unread = c.unread + (fresh && unreadAgainst(m, c.readAt) ? 1 : 0);
  if (m.id === c.lastId || isLater(m, c)) return { ...c, lastAt: m.at, lastId: m.id, preview: previewOf(m.body), lastDirection: m.direction, unread };
  return unread === c.unread ? c : { ...c, unread };
}

/**
 * The read mark for conversations joined into one, from each one's last message and earliest unread
 * one: just before the earliest unread, so that every unread message stays unread (and only read
 * ones after it show again); when nothing was unread, all of it is read.
 */
export function joinedReadAt(lastAts: readonly number[], earliestUnreadAts: readonly number[]): number | undefined {
  if (earliestUnreadAts.length) return Math.min(...earliestUnreadAts) - 1;
  return lastAts.length ? Math.max(...lastAts) : undefined;
}

export const summaryOf = (contactId: ContactId, c: Conversation): ConversationSummary => ({
  contactId,
  lastAt: c.lastAt,
  preview: c.preview,
  lastDirection: c.lastDirection,
  unread: c.unread,
});

interface Row {
  contactId: string;
  lastId: string;
  lastAt: number;
  body: string;
  direction: 'in' | 'out';
  readAt: number | null;
  unread: number;
}

/**
 * Every conversation (or one), each with its last message found by a seek on (contact_id, at, id) and
 * its unread ones counted on (contact_id, at) from the read mark. Only the start of the last body is
 * read: a preview is a line.
 */
const QUERY = `
  SELECT c.contact_id AS contactId, l.id AS lastId, l.at AS lastAt, substr(l.body, 1, 2000) AS body, l.direction AS direction,
         r.read_at AS readAt,
         (SELECT COUNT(*) FROM messages u WHERE u.contact_id = c.contact_id AND u.at > COALESCE(r.read_at, -1) AND u.direction = 'in') AS unread
    FROM (SELECT DISTINCT contact_id FROM messages %WHERE%) c
    JOIN messages l ON l.rowid = (SELECT x.rowid FROM messages x WHERE x.contact_id = c.contact_id ORDER BY x.at DESC, x.id DESC LIMIT 1)
    LEFT JOIN read_marks r ON r.contact_id = c.contact_id`;

const fromRow = (r: Row): Conversation => ({
  lastAt: r.lastAt,
  lastId: r.lastId,
  preview: previewOf(r.body),
  lastDirection: r.direction,
  unread: r.unread,
  readAt: r.readAt ?? undefined,
});

export interface SummariesDeps {
  readonly db: Db;
  /** Whether a conversation id is a person's (the strangers' waiting conversations are not summarized). */
  readonly isContact: (id: ContactId) => boolean;
  readonly emit: (changed: ConversationSummary[]) => void;
}

export class ConversationSummaries {
  readonly #deps: SummariesDeps;
  readonly #sql: (sql: string) => Statement;
  readonly #conversations = new Map<ContactId, Conversation>();
  readonly #pending = new Set<ContactId>();
  readonly #window: Windowed;

  constructor(deps: SummariesDeps) {
    this.#deps = deps;
    this.#sql = preparedStatements(deps.db);
    this.#window = new Windowed(() => this.#send(), SUMMARIES_WINDOW_MS);
    for (const row of this.#sql(QUERY.replace('%WHERE%', '')).all() as Row[]) {
      if (deps.isContact(row.contactId)) this.#conversations.set(row.contactId, fromRow(row));
    }
  }

  /** Every person's conversation that has a message, the newest first. */
  list(): ConversationSummary[] {
    return [...this.#conversations]
      .filter(([id]) => this.#deps.isContact(id))
      .map(([id, c]) => summaryOf(id, c))
      .sort((a, b) => b.lastAt - a.lastAt);
  }

  get(contactId: ContactId): ConversationSummary | undefined {
    const c = this.#conversations.get(contactId);
    return c && summaryOf(contactId, c);
  }

  /** A message was stored or changed (what `messages:changed` carries). */
  message(m: MessageView): void {
    if (!this.#deps.isContact(m.contactId)) return;
    const before = this.#conversations.get(m.contactId);
    const after = withMessage(before, m);
    if (after === before) return;
    this.#conversations.set(m.contactId, after);
    if (!before || before.lastAt !== after.lastAt || before.preview !== after.preview || before.lastDirection !== after.lastDirection || before.unread !== after.unread) this.#changed(m.contactId);
  }

  /** The user read the conversation: its newest message is the read mark, kept in the database. */
  read(contactId: ContactId): void {
    const c = this.#conversations.get(contactId);
    if (!c) return;
    this.#mark(contactId, c.lastAt);
    this.#conversations.set(contactId, { ...c, unread: 0, readAt: c.lastAt });
    if (c.unread) this.#changed(contactId);
  }

  /**
   * The user read the conversation up to a message of time `at` elsewhere (on another of their
   * devices): what came in until then is read here too; the mark never moves back.
   */
  readUpTo(contactId: ContactId, at: number): void {
    const c = this.#conversations.get(contactId);
    if (!c || (c.readAt !== undefined && c.readAt >= at)) return;
    this.#mark(contactId, at);
    const { unread } = this.#sql("SELECT COUNT(*) AS unread FROM messages WHERE contact_id = ? AND direction = 'in' AND at > ?").get(contactId, at) as { unread: number };
    this.#conversations.set(contactId, { ...c, unread, readAt: at });
    if (unread !== c.unread) this.#changed(contactId);
  }

  /** Messages moved into this conversation in the database (someone waiting accepted, an address linked): read again. */
  reload(contactId: ContactId): void {
    const row = this.#sql(QUERY.replace('%WHERE%', 'WHERE contact_id = ?')).get(contactId) as Row | undefined;
    const before = this.#conversations.get(contactId);
    if (row) this.#conversations.set(contactId, fromRow(row));
    else this.#conversations.delete(contactId);
    if (row || before) this.#changed(contactId);
  }

  /**
   * Joins `from`'s conversation into `into`'s (a merge): `move` moves the messages in the database;
   * the two read marks become one that keeps every unread message unread, and `into` is read again.
   */
  joined(into: ContactId, from: ContactId, move: () => void): void {
    const joining = [into, from].flatMap((id) => {
      const c = this.#conversations.get(id);
      return c ? [{ id, c }] : [];
    });
    const earliestUnread = joining.flatMap(({ id, c }) => {
      if (!c.unread) return [];
      const row = this.#sql("SELECT MIN(at) AS at FROM messages WHERE contact_id = ? AND direction = 'in' AND at > ?").get(id, c.readAt ?? -1) as { at: number | null };
      return row.at === null ? [] : [row.at];
    });
    move();
    const readAt = joinedReadAt(
      joining.map(({ c }) => c.lastAt),
      earliestUnread,
    );
    if (readAt === undefined) this.#sql('DELETE FROM read_marks WHERE contact_id = ?').run(into);
    else this.#mark(into, readAt);
    this.#sql('DELETE FROM read_marks WHERE contact_id = ?').run(from);
    this.forget(from);
    this.reload(into);
  }

  /** The person is gone: their summary is no longer shown (their messages and read mark stay in the database). */
  forget(contactId: ContactId): void {
    this.#conversations.delete(contactId);
    this.#pending.delete(contactId);
  }

  /** Sends what is gathered now (also on stop, so that nothing waits behind a timer). */
  flush(): void {
    this.#window.flush();
  }

  #mark(contactId: ContactId, readAt: number): void {
    this.#sql('INSERT INTO read_marks (contact_id, read_at) VALUES (?, ?) ON CONFLICT (contact_id) DO UPDATE SET read_at = excluded.read_at').run(contactId, readAt);
  }

  #changed(contactId: ContactId): void {
    this.#pending.add(contactId);
    this.#window.trigger();
  }

  #send(): void {
    const changed: ConversationSummary[] = [];
    for (const id of this.#pending) {
      const c = this.#conversations.get(id);
      if (c && this.#deps.isContact(id)) changed.push(summaryOf(id, c));
    }
    this.#pending.clear();
    if (changed.length) this.#deps.emit(changed);
  }
}

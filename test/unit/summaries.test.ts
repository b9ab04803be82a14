// Conversation summaries as the contact list shows them (last message, a line of it, unread), on a
// real SQLite database: kept in memory from the messages stored, read marks kept across a restart,
// and 10,000 people with 100,000 messages read at start in one query.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationSummaries, joinedReadAt, previewOf, withMessage } from '../../core/messages/summaries';
import { MessageStore } from '../../core/messages/store';
import { openDatabase, type Db } from '../../core/storage/database';
import type { MessageView } from '../../shared/domain';
import type { ConversationSummary } from '../../shared/views';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sb-summaries-'));
let n = 0;
const msg = (over: Partial<MessageView> = {}): MessageView => ({
  id: `m${String(++n).padStart(6, '0')}`,
  contactId: 'jane',
  direction: 'in',
  body: 'hello',
  state: 'received',
  at: 1000 + n,
  priority: 'normal',
  ...over,
});

describe('the parts of a summary', () => {
  it('a preview is the first 120 characters on one line, never half an emoji', () => {
    expect(previewOf('  Are you\ncoming\t\ttonight?  ')).toBe('Are you coming tonight?');
    expect(previewOf('x'.repeat(300))).toHaveLength(120);
    expect(previewOf(`${'x'.repeat(119)}😀 and more`)).toBe('x'.repeat(119));
  });

  it('an incoming message raises unread; one the user wrote (here or on another device) does not; a state change is not a new message', () => {
    let c = withMessage(undefined, msg({ body: 'first' }));
    expect(c).toMatchObject({ unread: 1, preview: 'first', lastDirection: 'in' });
    c = { ...c, unread: 0, readAt: c.lastAt };
    c = withMessage(c, msg({ body: 'second' }));
    expect(c.unread).toBe(1);
    const mine = msg({ direction: 'out', state: 'sending', body: 'my answer' });
    c = withMessage(c, mine);
    expect(c).toMatchObject({ unread: 1, preview: 'my answer', lastDirection: 'out' });
    const same = c;
    c = withMessage(c, { ...mine, state: 'delivered' });
    expect(c).toEqual(same);
    // Written on the user's phone: stored outgoing and sent.
    c = withMessage(c, msg({ direction: 'out', state: 'sent', body: 'from my phone' }));
    expect(c).toMatchObject({ unread: 1, preview: 'from my phone' });
  });

  it('two conversations joined keep every unread message unread, and are all read when neither had any', () => {
    expect(joinedReadAt([50, 30], [45])).toBe(44);
    expect(joinedReadAt([50, 30], [45, 25])).toBe(24);
    expect(joinedReadAt([50, 60], [])).toBe(60);
    expect(joinedReadAt([], [])).toBeUndefined();
  });
});

describe('ConversationSummaries', () => {
  const make = (db: Db, told: ConversationSummary[][], contacts = new Set(['jane', 'bob'])) =>
    new ConversationSummaries({ db, isContact: (id) => contacts.has(id), emit: (changed) => told.push(changed) });

  it('follows the messages stored, tells only the conversations that changed, and keeps the read mark across a restart', () => {
    const dir = temp();
    let db = openDatabase(dir);
    const store = new MessageStore(db);
    const told: ConversationSummary[][] = [];
    let summaries = make(db, told);
    expect(summaries.list()).toEqual([]);
    const stored = (m: MessageView) => {
      store.add(m);
      summaries.message(m);
    };
    stored(msg({ contactId: 'jane', body: 'Hi from Jane' }));
    stored(msg({ contactId: 'jane', body: 'Are you there?' }));
    stored(msg({ contactId: 'bob', body: 'Bob here' }));
    stored(msg({ contactId: 'stranger:abc', body: 'buy now' }));
    summaries.flush();
    expect(told).toHaveLength(1);
    expect(told[0]!.map((s) => [s.contactId, s.unread]).sort()).toEqual([
      ['bob', 1],
      ['jane', 2],
    ]);
    expect(summaries.list().map((s) => s.contactId)).toEqual(['bob', 'jane']);

    summaries.read('jane');
    summaries.flush();
    expect(told[1]).toEqual([expect.objectContaining({ contactId: 'jane', unread: 0, preview: 'Are you there?' })]);

    // The next start reads the same from the database.
    db.close();
    db = openDatabase(dir);
    summaries = make(db, told);
    expect(summaries.get('jane')).toMatchObject({ unread: 0, preview: 'Are you there?', lastDirection: 'in' });
    expect(summaries.get('bob')).toMatchObject({ unread: 1 });
    expect(summaries.get('stranger:abc')).toBeUndefined();
    const after = msg({ contactId: 'jane', body: 'Hello?' });
    new MessageStore(db).add(after);
    summaries.message(after);
    expect(summaries.get('jane')).toMatchObject({ unread: 1, preview: 'Hello?' });
    db.close();
  });

  it('the history a database had before read marks existed counts as read', () => {
    const dir = temp();
    const db = openDatabase(dir);
    new MessageStore(db).add(msg({ contactId: 'jane' }));
    // As a database of the version before read marks (6): the tables of 7 and later dropped, then opened again.
    db.exec('DROP TABLE read_marks; DROP TABLE incoming_refs; DROP TABLE archive_cursors');
    db.pragma('user_version = 6');
    db.close();
    const again = openDatabase(dir);
    expect(make(again, []).get('jane')).toMatchObject({ unread: 0 });
    again.close();
  });

  it('10,000 people and 100,000 messages: read at start quickly, then kept without the database', () => {
    const db = openDatabase(temp());
    const contacts = new Set(Array.from({ length: 10_000 }, (_, i) => `p${i}`));
    const insert = db.prepare("INSERT INTO messages (id, contact_id, direction, body, state, at) VALUES (?, ?, ?, ?, 'received', ?)");
    const direction = (i: number) => (i % 3 === 0 ? 'out' : 'in');
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) insert.run(`x${i}`, `p${i % 10_000}`, direction(i), `message ${i}`, 1_000_000 + i);
      // p0 has read up to its message at 1_050_000: of the four after it, two are incoming.
      db.prepare('INSERT INTO read_marks (contact_id, read_at) VALUES (?, ?)').run('p0', 1_050_000);
    })();
    const started = performance.now();
    const summaries = make(db, [], contacts);
    const startMs = performance.now() - started;
    expect(summaries.list()).toHaveLength(10_000);
    expect(summaries.get('p0')).toEqual({ contactId: 'p0', lastAt: 1_090_000, preview: 'message 90000', lastDirection: 'out', unread: 2 });
    // p1 was never read: every incoming one of its ten is unread.
    const p1 = Array.from({ length: 10 }, (_, k) => 1 + k * 10_000).filter((i) => direction(i) === 'in').length;
    expect(summaries.get('p1')!.unread).toBe(p1);
    expect(startMs, 'milliseconds to read 10,000 summaries').toBeLessThan(3_000);

    // Kept in memory: with the database closed, messages still update the summaries.
    db.close();
    for (let i = 0; i < 1_000; i++) summaries.message(msg({ contactId: `p${i}`, at: 2_000_000 + i }));
    expect(summaries.get('p1')).toMatchObject({ unread: p1 + 1, lastAt: 2_000_001, lastDirection: 'in' });
  });
});

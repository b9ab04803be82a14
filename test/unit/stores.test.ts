// The settings store (conf) and the SQLite message store, on real files in a temp folder.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StrangerStore } from '../../core/contacts/strangers';
import { MessageStore } from '../../core/messages/store';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { loadSettings } from '../../core/settings/store';
import { migrate, migrations, openDatabase } from '../../core/storage/database';
import type { MessageView } from '../../shared/domain';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sb-unit-'));
const message = (over: Partial<MessageView> = {}): MessageView => ({ id: 'm1', contactId: 'jane', direction: 'out', body: 'hello', state: 'sending', at: 1, priority: 'normal', ...over });

describe('settings', () => {
  it('round-trips through conf, normalising addresses', () => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im2: 'jane@example.org', pager: { address: '+15551234', settings: { maxLength: 80 } } } }] }));
    const loaded = loadSettings(confSettingsBackend(dir));
    expect(loaded.problems).toEqual([]);
    expect(loaded.settings.contacts[0]!.addresses).toEqual({ im2: { address: 'jane@example.org', settings: {} }, pager: { address: '+15551234', settings: { maxLength: 80 } } });
    confSettingsBackend(dir).write(loaded.settings);
    expect(loadSettings(confSettingsBackend(dir)).settings).toEqual(loaded.settings);
    expect(loadSettings(confSettingsBackend(temp()))).toMatchObject({ problems: [], settings: { contacts: [] } });
  });

  it('reports a broken file, starts empty, and leaves the file untouched', () => {
    const dir = temp();
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{ "contacts": [ oops');
    const loaded = loadSettings(confSettingsBackend(dir));
    expect(loaded.settings.contacts).toEqual([]);
    expect(loaded.problems[0]).toContain(file);
    expect(loaded.problems[0]).toContain('is not valid JSON at line 1, column 17');
    expect(loaded.problems[0]).toContain('does not write over it');
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "contacts": [ oops');
  });

  it('skips an entry of the wrong shape, naming it in words, and loads the rest', () => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ contacts: [{ id: 'x', name: '' }, { id: 'y', name: 'Y' }], delivery: { managers: { sequential: { configurations: { Normal: [{ mechanism: 'im1', verify: 'maybe' }] } } } } }));
    const loaded = loadSettings(confSettingsBackend(dir));
    expect(loaded.settings.contacts.map((c) => c.id)).toEqual(['y']);
    expect(loaded.problems[0]).toMatch(/^The contact "x" \(the 1st in the file\) was skipped: its name is empty\./);
    expect(loaded.problems[1]).toMatch(/^The configuration "Normal" of the delivery manager "sequential" was skipped: "verify" in its 1st step must be/);
  });

  it('keeps the first of two contacts with one id and says so', () => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ contacts: [{ id: 'x', name: 'A' }, { id: 'x', name: 'B' }] }));
    const loaded = loadSettings(confSettingsBackend(dir));
    expect(loaded.settings.contacts.map((c) => c.name)).toEqual(['A']);
    expect(loaded.problems[0]).toMatch(/^The contact "B" \(the 2nd in the file\) was skipped: it has the same id "x" as the 1st/);
  });
});

describe('database', () => {
  it('migrates an empty database to the latest schema, once', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()).toEqual(
      expect.arrayContaining([{ name: 'attempts' }, { name: 'messages' }, { name: 'strangers' }]),
    );
  });

  it('migrates a database of schema 1 without losing its messages', () => {
    const db = new Database(':memory:');
    db.exec(migrations[0]!);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO messages (id, contact_id, direction, body, state, at) VALUES ('old', 'jane', 'in', 'kept', 'received', 1)").run();
    migrate(db);
    expect(new MessageStore(db).list('jane').map((m) => m.body)).toEqual(['kept']);
  });

  it('refuses a database from a newer Switchboard, with a clear error', () => {
    const dir = temp();
    const db = new Database(path.join(dir, 'switchboard.sqlite3'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(dir)).toThrow(/newer Switchboard/);
  });

  it('runs in WAL mode', () => {
    const db = openDatabase(temp());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});

describe('MessageStore', () => {
  it('reads a conversation a page at a time, newest first, through its index: every message once, none skipped', () => {
    const db = openDatabase(temp());
    const store = new MessageStore(db);
    const insert = db.transaction(() => {
      // 1,000 messages, several in the same millisecond, and another conversation between them.
      for (let i = 0; i < 1000; i++) {
        const at = 1_000 + Math.floor(i / 3);
        store.add({ id: `m${String(i).padStart(4, '0')}`, contactId: 'jane', direction: i % 2 ? 'in' : 'out', body: `${i}`, state: 'sent', at, priority: 'normal' });
        store.add({ id: `x${i}`, contactId: 'other', direction: 'in', body: 'noise', state: 'received', at, priority: 'normal' });
      }
    });
    insert();
    const newest = store.page('jane', 100);
    expect(newest.map((m) => m.body)).toEqual(Array.from({ length: 100 }, (_, i) => `${900 + i}`));
    const seen: string[] = [];
    for (let page = newest; page.length; page = store.page('jane', 100, { at: page[0]!.at, id: page[0]!.id })) seen.unshift(...page.map((m) => m.body));
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => `${i}`));
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM messages WHERE contact_id = ? AND (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?').all('jane', 1, 'a', 1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX messages_by_contact_page/);
    expect(plan.map((p) => p.detail).join('; ')).not.toMatch(/TEMP B-TREE/); // no sort of the whole conversation
  });

  it('keeps messages and their state across a reopen', async () => {
    const dir = temp();
    const store = new MessageStore(openDatabase(dir));
    store.add(message({ expiresAt: 99, chosenManager: 'broadcast' }));
    store.update('m1', { state: 'failed', failure: 'nope', manager: 'broadcast', configuration: 'Normal' });
    await store.durable();
    const reopened = new MessageStore(openDatabase(dir));
    expect(reopened.list('jane')).toEqual([message({ expiresAt: 99, chosenManager: 'broadcast', manager: 'broadcast', configuration: 'Normal', state: 'failed', failure: 'nope' })]);
    reopened.update('m1', { failure: undefined, state: 'sending' });
    expect(reopened.get('m1')?.failure).toBeUndefined();
    expect(reopened.unfinished().map((m) => m.id)).toEqual(['m1']);
  });

  it('writes a turn of sends and their first attempts in one commit, seen by another reader only once durable', async () => {
    const dir = temp();
    const writer = openDatabase(dir);
    const store = new MessageStore(writer);
    const reader = openDatabase(dir);
    const count = () => (reader.prepare('SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM attempts) AS n').get() as { n: number }).n;
    store.addMany([message({ id: 'a' }), message({ id: 'b' })]);
    store.beginAttempt({ messageId: 'a', manager: 'sequential', configuration: 'Normal', mechanism: 'im' });
    store.beginAttempt({ messageId: 'b', manager: 'sequential', configuration: 'Normal', mechanism: 'im' });
    expect(store.get('a')?.id, 'the writer reads its own writes at once').toBe('a');
    expect(count(), 'nothing committed before the end of the turn').toBe(0);
    const toldWhen: number[] = [];
    store.afterCommit(() => toldWhen.push(count()));
    await store.durable();
    expect(count()).toBe(4);
    expect(toldWhen, 'told once another reader sees the commit').toEqual([4]);
    // A message received is committed at once, with what the turn had gathered.
    store.update('a', { state: 'sent' });
    store.add(message({ id: 'in', direction: 'in', state: 'received' }));
    expect(reader.prepare("SELECT state FROM messages WHERE id = 'a'").get()).toEqual({ state: 'sent' });
    expect(count()).toBe(5);
    // Evidence alone is committed without a sync; everything else on the connection stays synced.
    store.endAttempt(1, 'accepted');
    await store.durable();
    expect(reader.prepare('SELECT outcome FROM attempts WHERE id = 1').get()).toEqual({ outcome: 'accepted' });
    expect(writer.pragma('synchronous', { simple: true }), 'FULL').toBe(2);
  });

  it('tells those waiting when the commit fails, and keeps none of that turn', async () => {
    const db = openDatabase(temp());
    const store = new MessageStore(db);
    store.addMany([message({ id: 'kept-not' })]);
    // An attempt for a message that does not exist, its check put off until the commit: the commit fails.
    db.pragma('defer_foreign_keys = ON');
    store.beginAttempt({ messageId: 'ghost', manager: 'sequential', configuration: 'Normal', mechanism: 'im' });
    const told: string[] = [];
    store.afterCommit(() => told.push('kept-not'));
    await expect(store.durable()).rejects.toThrow(/FOREIGN KEY/);
    expect(store.get('kept-not')).toBeUndefined();
    expect(told, 'nothing told of a commit that failed').toEqual([]);
    // The next turn commits as usual.
    store.addMany([message({ id: 'next' })]);
    await store.durable();
    expect(store.get('next')?.id).toBe('next');
  });

  it('records attempts, upgrades them on receipts, and knows what was accepted where', () => {
    const store = new MessageStore(openDatabase(temp()));
    store.add(message());
    const a = store.beginAttempt({ messageId: 'm1', manager: 'sequential', configuration: 'Normal', mechanism: 'im1' });
    expect(store.bestOutcome('m1', 'im1')).toBeUndefined();
    store.endAttempt(a, 'accepted');
    expect(store.bestOutcome('m1', 'im1')).toBe('accepted');
    expect(store.upgradeAttempt('m1', 'im1', 'delivered')).toMatchObject({ mechanism: 'im1', outcome: 'delivered' });
    expect(store.upgradeAttempt('m1', 'im1', 'delivered')).toBeUndefined();
    expect(store.upgradeAttempt('m1', 'im2', 'delivered')).toBeUndefined();
    expect(store.bestOutcome('m1', 'im1')).toBe('delivered');
    const b = store.beginAttempt({ messageId: 'm1', manager: 'sequential', configuration: 'Normal', mechanism: 'pager' });
    // A process that died mid-send: the attempt was interrupted, neither failed nor accepted.
    store.closeInterruptedAttempts();
    expect(store.attempts('m1').map((x) => [x.id === b, x.mechanism, x.outcome])).toEqual([
      [false, 'im1', 'delivered'],
      [true, 'pager', 'interrupted'],
    ]);
    expect(store.bestOutcome('m1', 'pager')).toBeUndefined();
    // The device confirming a send whose answer never came settles it as delivered: no second copy.
    expect(store.upgradeAttempt('m1', 'pager', 'delivered')).toMatchObject({ id: b, outcome: 'delivered' });
    expect(store.bestOutcome('m1', 'pager')).toBe('delivered');
  });

  it('keeps strangers until accepted or ignored', () => {
    const db = openDatabase(temp());
    const strangers = new StrangerStore(db);
    const first = strangers.findOrAdd('im1', 'who@example.org', 'hi, it is me');
    expect(first.isNew).toBe(true);
    expect(strangers.findOrAdd('im1', 'who@example.org', 'again').isNew).toBe(false);
    expect(strangers.pending()).toEqual({ people: [{ id: first.stranger.id, address: 'who@example.org', firstMessage: 'hi, it is me', at: expect.any(Number), suggested: false }], total: 1 });
    strangers.ignore(first.stranger.id);
    expect(strangers.pending()).toEqual({ people: [], total: 0 });
    expect(strangers.findOrAdd('im1', 'who@example.org', 'x').stranger.ignored).toBe(true);
  });
});

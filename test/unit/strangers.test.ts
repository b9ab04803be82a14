// The limits on what people not in the contact list can make Switchboard keep: the real stores on a
// real SQLite file, with the real limits; only the clock of the flood gate is the test's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StrangerFloodGate, StrangerInbox, StrangerStore, strangerConversation, strangerLimits } from '../../core/contacts/strangers';
import { MessageStore } from '../../core/messages/store';
import { openDatabase } from '../../core/storage/database';
import type { MessageView } from '../../shared/domain';

function world() {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-unit-')));
  db.pragma('synchronous = OFF'); // durability is not under test here; hundreds of fsyncs would only slow it
  const logs: string[] = [];
  const clock = { now: 0 };
  const gate = new StrangerFloodGate({ info: () => undefined, warn: (m) => void logs.push(m), error: () => undefined }, strangerLimits, () => clock.now);
  const strangers = new StrangerStore(db);
  const messages = new MessageStore(db);
  const inbox = new StrangerInbox(db, strangers, messages, gate);
  let at = 0;
  const incoming = (body: string): Omit<MessageView, 'contactId'> => ({ id: `m${++at}`, direction: 'in', body, state: 'received', at, priority: 'normal' });
  /** A stranger writing at the pace the gate allows. */
  const write = (address: string, body: string) => {
    clock.now += strangerLimits.refillMs;
    return inbox.receive('im1', address, incoming(body));
  };
  const conversationOf = (address: string) => strangerConversation(strangers.find('im1', address)!.id);
  return { db, logs, clock, gate, strangers, messages, inbox, incoming, write, conversationOf };
}

describe('messages from strangers', () => {
  it('keep the newest 20 per stranger, and the request stays with its first message', () => {
    const w = world();
    for (let i = 1; i <= 25; i++) expect(w.write('pest@example.org', `message ${i}`)).toBeDefined();
    const kept = w.messages.list(w.conversationOf('pest@example.org')).map((m) => m.body);
    expect(strangerLimits.messagesPerStranger).toBe(20);
    expect(kept).toEqual(Array.from({ length: 20 }, (_, i) => `message ${i + 6}`));
    expect(w.strangers.pending().people).toMatchObject([{ address: 'pest@example.org', firstMessage: 'message 1' }]);
  });

  it('keep the newest 500 from all strangers together, and never touch a contact’s messages', () => {
    const w = world();
    for (let i = 0; i < 30; i++) w.messages.add({ ...w.incoming(`from Jane ${i}`), contactId: 'jane' });
    for (let s = 0; s < 30; s++) for (let i = 0; i < 20; i++) w.write(`s${s}@example.org`, `s${s} ${i}`);
    const waiting = w.strangers.waitingConversations();
    const kept = waiting.flatMap((c) => w.messages.list(c));
    expect(strangerLimits.messagesFromStrangers).toBe(500);
    expect(kept).toHaveLength(500);
    // 600 arrived: the first five strangers' 100 messages, the oldest, went; their requests are still open.
    for (let s = 0; s < 5; s++) expect(w.messages.list(w.conversationOf(`s${s}@example.org`))).toEqual([]);
    expect(w.messages.list(w.conversationOf('s5@example.org'))).toHaveLength(20);
    expect(w.strangers.pending().people).toHaveLength(30);
    expect(w.messages.list('jane')).toHaveLength(30);
  });

  it('keep at most 200 people waiting: the one who wrote longest ago goes with their messages, suggestions stay', () => {
    const w = world();
    w.strangers.suggest('im1', 'roster@example.org', 'From my roster');
    for (let s = 0; s < 205; s++) {
      const kept = w.write(`s${s}@example.org`, `hello from s${s}`)!;
      expect(kept.listChanged).toBe(true);
    }
    const { people: pending, total } = w.strangers.pending(1000);
    expect(total).toBe(201);
    expect(strangerLimits.waitingStrangers).toBe(200);
    expect(pending.filter((p) => !p.suggested)).toHaveLength(200);
    expect(pending.map((p) => p.address)).toContain('roster@example.org');
    expect(pending.map((p) => p.address)).not.toContain('s4@example.org');
    expect(pending.map((p) => p.address)).toContain('s5@example.org');
    const stored = w.db.prepare("SELECT count(*) AS n FROM messages WHERE contact_id LIKE 'stranger:%'").get() as { n: number };
    expect(stored.n).toBe(200);
    // The window is sent the first few: the newest writers first, suggestions after them.
    const shown = w.strangers.pending();
    expect(shown).toMatchObject({ total: 201 });
    expect(shown.people.map((p) => p.address).slice(0, 2)).toEqual(['s204@example.org', 's203@example.org']);
    expect(w.strangers.pending(500).people.at(-1)?.address).toBe('roster@example.org');
    // Someone dropped who writes again is a new request, not lost for good.
    expect(w.write('s0@example.org', 'me again')).toMatchObject({ listChanged: true });
  });

  it('from one sender in a flood: 5 at once, then one per 10 s; the rest dropped, counted, and noted once a minute', () => {
    const w = world();
    const results = Array.from({ length: 300 }, (_, i) => w.inbox.receive('im1', 'flood@example.org', w.incoming(`flood ${i}`)));
    expect(results.filter(Boolean)).toHaveLength(strangerLimits.burst);
    expect(w.messages.list(w.conversationOf('flood@example.org')).map((m) => m.body)).toEqual(['flood 0', 'flood 1', 'flood 2', 'flood 3', 'flood 4']);
    expect(w.gate.dropped).toBe(295);
    expect(w.logs).toHaveLength(1);
    expect(w.logs[0]).toContain('flood@example.org');

    // Another stranger is not held back by the first one's flood.
    expect(w.inbox.receive('im1', 'calm@example.org', w.incoming('hello'))).toBeDefined();

    w.clock.now += strangerLimits.refillMs;
    expect(w.inbox.receive('im1', 'flood@example.org', w.incoming('after 10 s'))).toBeDefined();
    expect(w.inbox.receive('im1', 'flood@example.org', w.incoming('too soon'))).toBeUndefined();
    expect(w.logs).toHaveLength(1);
    w.clock.now += strangerLimits.noteEveryMs;
    for (let i = 0; i < 10; i++) w.inbox.receive('im1', 'flood@example.org', w.incoming(`later ${i}`));
    expect(w.logs).toHaveLength(2);
    // Noted at the first drop; then 294 of the flood, 'too soon', and the sixth after the minute.
    expect(w.logs[0]).toMatch(/; 1 dropped$/);
    expect(w.logs[1]).toContain('296 dropped since the last note');
    expect(w.gate.dropped).toBe(295 + 1 + 5);
  });

  it('from someone ignored: nothing stored, nothing counted', () => {
    const w = world();
    const first = w.write('pest@example.org', 'Buy now')!;
    w.strangers.ignore(w.strangers.find('im1', 'pest@example.org')!.id);
    w.messages.deleteContactMessages(first.message.contactId);
    for (let i = 0; i < 10; i++) expect(w.inbox.receive('im1', 'pest@example.org', w.incoming('Buy now!!'))).toBeUndefined();
    expect(w.messages.list(first.message.contactId)).toEqual([]);
    expect(w.gate.dropped).toBe(0);
  });
});

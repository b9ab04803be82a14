// The inbox on its own, over a real SQLite database: a message from a contact lands in their one
// conversation whatever the mechanism, a copy seen before is shown once, someone unknown waits in New
// people, and nothing empty or oversized gets in as it came.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContactDirectory } from '../../core/contacts/directory';
import { StrangerFloodGate, StrangerInbox, StrangerStore, strangerConversation } from '../../core/contacts/strangers';
import { CoreEvents } from '../../core/events';
import { Inbox, MAX_INCOMING_BODY } from '../../core/messages/inbox';
import { MessageStore } from '../../core/messages/store';
import { openDatabase } from '../../core/storage/database';
import { bareAddress } from '../../plugins/xmpp/presence-map';
import type { MessageView } from '../../shared/domain';

function world() {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-inbox-')));
  const store = new MessageStore(db);
  const strangers = new StrangerStore(db);
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const normalize = (_m: string, a: string) => bareAddress(a); // both accounts XMPP here
  const contacts = new ContactDirectory([{ id: 'jane', name: 'Jane', addresses: { im1: { address: 'jane@one', settings: {} }, im2: { address: 'jane@two', settings: {} } } }], normalize);
  const events = new CoreEvents();
  const told: MessageView[] = [];
  events.on('messages:changed', (m) => told.push(m));
  let newPeople = 0;
  const inbox = new Inbox({ contacts: () => contacts, normalize, store, strangers, strangerInbox: new StrangerInbox(db, strangers, store, new StrangerFloodGate(quiet)), events, newPeopleChanged: () => newPeople++ });
  return { inbox, store, strangers, told, newPeople: () => newPeople };
}

describe('Inbox', () => {
  it('puts a contact’s messages from any mechanism in their one conversation, and a copy seen before once', () => {
    const w = world();
    expect(w.inbox.receive('im1', { from: 'Jane@One/phone', body: 'hello', id: 'o1' })?.contactId).toBe('jane');
    expect(w.inbox.receive('im2', { from: 'jane@two', body: 'hello', id: 'o1' }), 'the same sender id over the other mechanism').toBeUndefined();
    expect(w.inbox.receive('im2', { from: 'jane@two', body: 'second', serverId: 's9' })?.contactId).toBe('jane');
    expect(w.inbox.receive('im2', { from: 'jane@two', body: 'second', serverId: 's9' }), 'the same server id on its mechanism').toBeUndefined();
    expect(w.store.list('jane').map((m) => m.body)).toEqual(['hello', 'second']);
    expect(w.told.map((m) => m.body)).toEqual(['hello', 'second']);
  });

  it('keeps someone unknown in New people, and tells that the list changed', () => {
    const w = world();
    const kept = w.inbox.receive('im1', { from: 'sam@one', body: 'Hi, it is Sam' });
    const [sam] = w.strangers.pending().people;
    expect(kept?.contactId).toBe(strangerConversation(sam!.id));
    expect(w.newPeople()).toBe(1);
  });

  it('drops an empty message and cuts an oversized one', () => {
    const w = world();
    expect(w.inbox.receive('im1', { from: 'jane@one', body: '   ' })).toBeUndefined();
    expect(w.inbox.receive('im1', { from: 'jane@one', body: 'x'.repeat(MAX_INCOMING_BODY + 10) })?.body).toHaveLength(MAX_INCOMING_BODY);
  });
});

// The remote ids of received messages in the SQLite message store: one per conversation, carried
// along when a stranger's conversation becomes a contact's, and gone with the message they name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageStore } from '../../core/messages/store';
import { openDatabase } from '../../core/storage/database';
import type { MessageView } from '../../shared/domain';

const received = (id: string, contactId: string): MessageView => ({ id, contactId, direction: 'in', body: 'hi', state: 'received', at: 1, priority: 'normal' });

describe('incoming remote ids', () => {
  it('recognises an id already seen in the conversation only, and follows the conversation', () => {
    const store = new MessageStore(openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-unit-'))));
    store.add(received('a', 'stranger:1'));
    store.noteIncoming('stranger:1', 'a', ['sender:x', 'server:im1:s1']);
    expect(store.hasIncoming('stranger:1', ['sender:x'])).toBe(true);
    expect(store.hasIncoming('stranger:1', ['sender:y', 'server:im1:s1'])).toBe(true);
    expect(store.hasIncoming('jane', ['sender:x'])).toBe(false); // someone else may use the same id
    expect(store.hasIncoming('stranger:1', [])).toBe(false);

    // Accepted as Jane, who already had a message with one of those ids: each id stays once.
    store.add(received('b', 'jane'));
    store.noteIncoming('jane', 'b', ['sender:x']);
    store.moveContact('stranger:1', 'jane');
    expect(store.hasIncoming('jane', ['server:im1:s1'])).toBe(true);
    expect(store.hasIncoming('stranger:1', ['sender:x'])).toBe(false);

    store.deleteContactMessages('jane');
    expect(store.hasIncoming('jane', ['sender:x', 'server:im1:s1'])).toBe(false);
  });
});

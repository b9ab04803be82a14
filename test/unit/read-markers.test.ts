// Read state that travels (XEP-0333 chat markers), on a real SQLite database: reading a conversation
// owes each sender who asked one marker, for their newest message, and never twice; a marker the
// user's other device sent reads the conversation here up to the message it names.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newestPerSender, ReadMarkers, type OwedMarker } from '../../core/messages/read-markers';
import { MessageStore } from '../../core/messages/store';
import { ConversationSummaries } from '../../core/messages/summaries';
import { openDatabase } from '../../core/storage/database';
import type { MessageView } from '../../shared/domain';
import type { IncomingMessage } from '../../shared/mechanism';
import type { ConversationSummary } from '../../shared/views';

const owed = (over: Partial<OwedMarker>): OwedMarker => ({ messageId: 'm1', mechanism: 'im', address: 'jane@example.org', ref: 'r1', at: 1, ...over });

describe('which messages a reading marks', () => {
  it('the newest per mechanism and address, ties broken by id', () => {
    const picked = newestPerSender([
      owed({ messageId: 'a', ref: 'old', at: 1 }),
      owed({ messageId: 'b', ref: 'new', at: 5 }),
      owed({ messageId: 'c', ref: 'work', at: 3, mechanism: 'im2' }),
      owed({ messageId: 'd', ref: 'tie', at: 5 }),
    ]);
    expect(picked.map((o) => o.ref).sort()).toEqual(['tie', 'work']);
    expect(newestPerSender([])).toEqual([]);
  });
});

describe('ReadMarkers', () => {
  function world(options: { enabled?: boolean; sendWorks?: boolean } = {}) {
    const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-markers-')));
    const store = new MessageStore(db);
    const told: ConversationSummary[][] = [];
    const summaries = new ConversationSummaries({ db, isContact: (id) => id === 'jane', emit: (changed) => told.push(changed) });
    const sent: string[] = [];
    const state = { sendWorks: options.sendWorks ?? true };
    const markers = new ReadMarkers({
      db,
      inTurn: (write) => store.evidence(write),
      enabled: () => options.enabled ?? true,
      send: async (mechanism, address, ref) => (state.sendWorks ? (sent.push(`${mechanism} ${address} ${ref}`), true) : false),
      readUpTo: (contactId, at) => summaries.readUpTo(contactId, at),
      log: { info: () => undefined },
    });
    let n = 0;
    const receive = (message: Partial<IncomingMessage> = {}, mechanism = 'im') => {
      const view: MessageView = { id: `m${++n}`, contactId: 'jane', direction: 'in', body: 'hi', state: 'received', at: 1000 + n, priority: 'normal' };
      store.add(view);
      summaries.message(view);
      markers.noteIncoming(view.id, mechanism, { from: 'jane@example.org', body: 'hi', ...message });
      return view;
    };
    return { db, summaries, markers, sent, told, receive, state };
  }

  it('a reading sends one marker for the newest markable message, and the next reading none', async () => {
    const { db, markers, sent, receive } = world();
    receive({ ref: 'j1', markable: true });
    receive({ ref: 'j2', markable: true });
    receive({ ref: 'j3' }); // not markable: the sender did not ask
    receive({ ref: 'w1', markable: true }, 'im2');
    await markers.read('jane');
    expect(sent.sort()).toEqual(['im jane@example.org j2', 'im2 jane@example.org w1']);
    await markers.read('jane');
    expect(sent).toHaveLength(2);
    db.close();
  });

  it('with the setting off nothing is sent, and turning it on later does not send old markers', async () => {
    const { db, markers, sent, receive } = world({ enabled: false });
    receive({ ref: 'j1', markable: true });
    await markers.read('jane');
    expect(sent).toEqual([]);
    expect(markers.owed('jane')).toEqual([]);
    db.close();
  });

  it('a marker that could not be sent is sent at the next reading', async () => {
    const { db, markers, sent, receive, state } = world({ sendWorks: false });
    receive({ ref: 'j1', markable: true });
    await markers.read('jane');
    expect(sent).toEqual([]);
    state.sendWorks = true;
    await markers.read('jane');
    expect(sent).toEqual(['im jane@example.org j1']);
    db.close();
  });

  it('read on another device up to a message: unread drops to what came after, and that sender is not told again', async () => {
    const { db, summaries, markers, sent, told, receive } = world();
    receive({ ref: 'j1', markable: true });
    receive({ ref: 'j2', markable: true });
    receive({ ref: 'j3', markable: true });
    expect(summaries.get('jane')).toMatchObject({ unread: 3 });
    markers.readElsewhere('jane', 'im', 'j2');
    summaries.flush();
    expect(summaries.get('jane')).toMatchObject({ unread: 1 });
    expect(told.at(-1)).toEqual([expect.objectContaining({ contactId: 'jane', unread: 1 })]);
    // An older marker, or one naming nothing known here, changes nothing.
    markers.readElsewhere('jane', 'im', 'j1');
    markers.readElsewhere('jane', 'im', 'unknown');
    markers.readElsewhere('jane', 'im2', 'j3');
    expect(summaries.get('jane')).toMatchObject({ unread: 1 });
    expect(markers.owed('jane').map((o) => o.ref)).toEqual(['j3']);
    await markers.read('jane');
    expect(sent).toEqual(['im jane@example.org j3']);
    db.close();
  });
});

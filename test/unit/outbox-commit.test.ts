// The outbox and the window: a message is shown only once it is on disk, so that a crash between the
// two never leaves the window with a message that no longer exists; every state it went through
// before the commit reaches the window after it, the latest one included.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';

let harness: CoreHarness | undefined;
afterEach(async () => harness?.stop());

it('tells the window of a new message only once another reader of the database can see it', async () => {
  // Nobody can carry it (no account for the address): it goes from sending to failed at once.
  harness = startCore({ contacts: [{ id: 'eve', name: 'Eve', addresses: { xmpp: 'eve@example.org' } }] }, { settleMs: 0 });
  const reader = new Database(path.join(harness.dir, 'switchboard.sqlite3'), { readonly: true });
  const told: { state: string; onDisk: boolean }[] = [];
  harness.core.events.on('messages:changed', (m: MessageView) => {
    if (m.direction === 'out') told.push({ state: m.state, onDisk: reader.prepare('SELECT 1 FROM messages WHERE id = ?').get(m.id) !== undefined });
  });
  const sends = Array.from({ length: 5 }, (_, i) => harness!.call('messages:send', { contactId: 'eve', body: `hello ${i}`, priority: 'normal' }));
  await Promise.all(sends);
  await harness.event('messages:changed', (m) => m.body === 'hello 4' && m.state === 'failed');
  reader.close();
  expect(told.length).toBeGreaterThanOrEqual(5);
  expect(told.filter((t) => !t.onDisk), 'told before it was on disk').toEqual([]);
  expect(told.filter((t) => t.state === 'failed')).toHaveLength(5);
});

// One attempt, on its own: a real SQLite outbox and a real mechanism registry holding a small mechanism
// written for the test, whose answers the test decides. An earlier send with an unknown fate makes the
// next one a resend and its note reaches the diagnostics; an answer after the delivery ended is recorded
// and passed on as evidence; failures are sorted into final and retryable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AttemptRunner, type Run } from '../../core/delivery/attempt-runner';
import { ReceiptWaiter } from '../../core/delivery/receipt-waiter';
import { ContactDirectory } from '../../core/contacts/directory';
import { CoreEvents } from '../../core/events';
import { MechanismRegistry } from '../../core/mechanisms/registry';
import { MessageStore } from '../../core/messages/store';
import { PresenceService } from '../../core/presence/service';
import { openDatabase } from '../../core/storage/database';
import type { MessageView } from '../../shared/domain';
import type { DeliveryStep } from '../../shared/delivery';
import type { MechanismPlugin, OutgoingMessage, SendOutcome } from '../../shared/mechanism';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A mechanism whose every send waits for the test to answer it. */
function scripted() {
  const sends: { message: OutgoingMessage; answer: (o: SendOutcome) => void }[] = [];
  let arrived = () => {};
  const plugin: MechanismPlugin = {
    kind: 'mechanism',
    id: 'im',
    displayName: 'IM',
    capabilities: { presence: false, receipts: false },
    normalizeAddress: (a) => a,
    accountFields: [],
    validateAccount: () => [],
    create: (ctx) => ({
      start: async () => ctx.status({ state: 'active' }),
      stop: async () => {},
      send: (_address, message) =>
        new Promise<SendOutcome>((answer) => {
          sends.push({ message, answer });
          arrived();
        }),
    }),
  };
  const next = () => new Promise<void>((resolve) => (arrived = resolve));
  return { plugin, sends, next };
}

async function world() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-attempt-'));
  const db = openDatabase(dir);
  closers.push(() => db.close());
  const store = new MessageStore(db);
  const mechanism = scripted();
  const registry = new MechanismRegistry({ status: () => {}, presence: () => {}, incoming: () => {}, receipt: () => {}, suggest: () => {}, lastServerId: () => undefined }, quiet);
  registry.add('im', mechanism.plugin, {}, () => []);
  await new Promise<void>((resolve) => (registry.active().length ? resolve() : registry.onChange(() => registry.active().length && resolve())));
  closers.push(() => void registry.stopAll());
  const contacts = new ContactDirectory([{ id: 'sam', name: 'Sam', addresses: { im: { address: 'sam@example.org', settings: {} } } }], (_m, a) => a);
  const late: [string, string][] = [];
  const runner = new AttemptRunner({
    contacts: () => contacts,
    registry,
    presence: new PresenceService(() => contacts),
    store,
    events: new CoreEvents(),
    receipts: new ReceiptWaiter(),
    senderName: () => undefined,
    log: quiet,
    shutdown: new AbortController().signal,
    late: (messageId, evidence) => void late.push([messageId, evidence]),
  });
  const message: MessageView = { id: 'm1', contactId: 'sam', direction: 'out', body: 'hi', state: 'sending', at: 1, priority: 'normal' };
  store.add(message);
  const over = new AbortController();
  const step: DeliveryStep = { mechanism: 'im', parallelWithNext: false, verify: 'accepted', ask: false };
  const run: Run = {
    message,
    name: 'Sam',
    choice: { manager: 'sequential', configuration: { name: 'Normal', steps: [step] } },
    expired: () => false,
    signal: over.signal,
    over,
    retryable: new Set(),
    final: new Set(),
  };
  const attempts = () => store.attempts('m1').map((a) => [a.outcome, a.detail]);
  return { store, runner, run, step, over, late, attempts, ...mechanism };
}

describe('an attempt', () => {
  it('is a resend after one whose fate is unknown, and the mechanism’s note reaches the diagnostics', async () => {
    const w = await world();
    const first = w.next();
    const sending = w.runner.run(w.run, w.step);
    await first;
    expect(w.sends[0]!.message).not.toHaveProperty('resend');
    w.store.endAttempt(w.store.attempts('m1')[0]!.id, 'interrupted', 'Switchboard stopped before the server confirmed the message');
    w.sends[0]!.answer({ ok: false, reason: 'Switchboard is stopping', final: false });
    await sending;

    const second = w.next();
    const again = w.runner.run(w.run, w.step);
    await second;
    expect(w.sends[1]!.message).toMatchObject({ id: 'm1', resend: true });
    w.sends[1]!.answer({ ok: true, level: 'accepted', note: 'found-in-archive' });
    expect(await again).toEqual({ ok: true, level: 'accepted' });
    expect(w.attempts().at(-1)).toEqual(['accepted', 'found in the archive, not sent again']);
  });

  it('after a failure that may have reached the server, is a resend that says since when; after one that did not, is not', async () => {
    const w = await world();
    const first = w.next();
    const a = w.runner.run(w.run, w.step);
    await first;
    w.sends[0]!.answer({ ok: false, reason: 'the connection was lost before the message reached the server', final: false });
    await a;
    const second = w.next();
    const b = w.runner.run(w.run, w.step);
    await second;
    expect(w.sends[1]!.message, 'certainly not received: a plain send').not.toHaveProperty('resend');
    w.sends[1]!.answer({ ok: false, reason: 'the connection was lost before the server confirmed the message', final: false, maybeSent: true });
    await b;
    const lost = w.store.attempts('m1')[1]!;
    expect(lost).toMatchObject({ outcome: 'failed', fateUnknown: true });
    const third = w.next();
    const c = w.runner.run(w.run, w.step);
    await third;
    expect(w.sends[2]!.message).toMatchObject({ id: 'm1', resend: true, firstSentAt: lost.startedAt });
    w.sends[2]!.answer({ ok: true, level: 'accepted', note: 'found-in-archive' });
    expect(await c).toEqual({ ok: true, level: 'accepted' });
  });

  it('answered after its delivery ended is recorded as accepted and passed on as evidence', async () => {
    const w = await world();
    const sent = w.next();
    const sending = w.runner.run(w.run, w.step);
    await sent;
    w.over.abort('expired');
    w.store.endAttempt(w.store.attempts('m1')[0]!.id, 'expired', 'the delivery ended before the server answered');
    w.sends[0]!.answer({ ok: true, level: 'accepted' });
    await sending;
    expect(w.attempts()).toEqual([['accepted', 'accepted after the delivery ended']]);
    expect(w.late).toEqual([['m1', 'accepted']]);
  });

  it('sorts failures into final and retryable', async () => {
    const w = await world();
    const first = w.next();
    const a = w.runner.run(w.run, w.step);
    await first;
    w.sends[0]!.answer({ ok: false, reason: 'connection lost', final: false });
    expect(await a).toEqual({ ok: false, reason: 'connection lost', final: false });
    expect([...w.run.retryable]).toEqual(['im']);
    const second = w.next();
    const b = w.runner.run(w.run, w.step);
    await second;
    w.sends[1]!.answer({ ok: false, reason: 'no such user', final: true });
    await b;
    expect([...w.run.final]).toEqual(['im']);
    expect(w.attempts()).toEqual([
      ['failed', 'connection lost'],
      ['failed', 'no such user'],
    ]);
  });
});

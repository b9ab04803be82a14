// The small parts DeliveryService is made of, each on its own: evidence only moves a message forward;
// what a message may wait for (reconnecting ways, retryable failures, never inactive accounts); the
// questions to the sender, withdrawn when the person answered; and receipt waits that end on the
// receipt, the time or the signal and leave nothing behind.
import { describe, expect, it } from 'vitest';
import { forward, furthest } from '../../core/delivery/evidence';
import { PromptBroker } from '../../core/delivery/prompt-broker';
import { ReceiptWaiter } from '../../core/delivery/receipt-waiter';
import { nextChange, nothingToWaitFor, waitable } from '../../core/delivery/waiting';
import { CoreEvents } from '../../core/events';
import type { MechanismView } from '../../shared/domain';

describe('evidence', () => {
  it('moves a state forward, clears "not delivered", and never moves one back', () => {
    expect(forward('failed', 'accepted')).toBe('sent');
    expect(forward('failed', 'delivered')).toBe('delivered');
    expect(forward('waiting', 'accepted')).toBe('sent');
    expect(forward('sent', 'read')).toBe('read');
    expect(forward('delivered', 'accepted')).toBeUndefined();
    expect(forward('read', 'delivered')).toBeUndefined();
    expect(forward('sent', 'accepted')).toBeUndefined();
    expect(forward('received', 'read')).toBeUndefined();
    expect(furthest('accepted', 'delivered')).toBe('delivered');
    expect(furthest('read', 'delivered')).toBe('read');
    expect(furthest(undefined, 'accepted')).toBe('accepted');
  });
});

describe('what a message waits for', () => {
  const states: Record<string, MechanismView['state']> = { im: 'connecting', irc: 'active', pager: 'inactive', mail: 'active' };
  const facts = (over: Partial<Parameters<typeof waitable>[0]> = {}) => ({
    steps: ['im', 'irc', 'pager', 'mail'],
    recipient: ['im', 'irc', 'pager', 'mail'],
    state: (m: string) => states[m],
    settled: () => false,
    retryable: new Set<string>(),
    ...over,
  });

  it('waits for reconnecting ways, never for an inactive account, nor where the recipient has no address', () => {
    expect(waitable(facts())).toEqual({ connecting: ['im'], retry: [] });
    expect(waitable(facts({ recipient: ['irc', 'pager'] }))).toEqual({ connecting: [], retry: [] });
    expect(nothingToWaitFor(waitable(facts({ recipient: ['pager'] })))).toBe(true);
  });

  it('retries an active way whose send failed retryably, but not one already accepted or failed for good', () => {
    expect(waitable(facts({ retryable: new Set(['irc', 'pager']) }))).toEqual({ connecting: ['im'], retry: ['irc'] });
    expect(waitable(facts({ retryable: new Set(['irc']), settled: (m) => m === 'irc' || m === 'im' }))).toEqual({ connecting: [], retry: [] });
  });

  it('wakes at the next change of mechanism states, or at once when the signal fires', async () => {
    const listeners = new Set<() => void>();
    const onChange = (l: () => void) => (listeners.add(l), () => void listeners.delete(l));
    const woken = nextChange(onChange, new AbortController().signal);
    expect(listeners.size).toBe(1);
    for (const l of [...listeners]) l();
    await woken;
    expect(listeners.size).toBe(0);
    const stop = new AbortController();
    const aborted = nextChange(onChange, stop.signal);
    stop.abort();
    await aborted;
    expect(listeners.size).toBe(0);
    await nextChange(onChange, AbortSignal.abort());
    expect(listeners.size).toBe(0);
  });
});

describe('questions to the sender', () => {
  it('are answered once, and withdrawn (heard as answered, "no" to the asker) when the person has replied', async () => {
    const events = new CoreEvents();
    const answered: string[] = [];
    events.on('delivery:answered', ({ promptId }) => answered.push(promptId));
    const broker = new PromptBroker(events);
    const yes = broker.ask({ messageId: 'm1', contactId: 'john', question: 'Page John?' }, new AbortController().signal);
    const withdrawn = broker.ask({ messageId: 'm2', contactId: 'john', question: 'Page John?' }, new AbortController().signal);
    const [first, second] = broker.list();
    broker.answer(first!.id, true);
    expect(await yes).toBe(true);
    expect(() => broker.answer(first!.id, false)).toThrow(/already answered/);
    broker.withdraw('m2');
    expect(await withdrawn).toBe(false);
    expect(answered).toEqual([first!.id, second!.id]);
    expect(broker.list()).toEqual([]);
  });

  it('are withdrawn when the delivery ends, and never asked once it has', async () => {
    const broker = new PromptBroker(new CoreEvents());
    const over = new AbortController();
    const asked = broker.ask({ messageId: 'm', contactId: 'c', question: 'q' }, over.signal);
    over.abort();
    expect(await asked).toBe(false);
    expect(await broker.ask({ messageId: 'm', contactId: 'c', question: 'q' }, over.signal)).toBe(false);
    expect(broker.list()).toEqual([]);
  });
});

describe('receipt waits', () => {
  it('end on the receipt, on the time, or on the signal, and leave no waiter behind', async () => {
    const waiter = new ReceiptWaiter();
    let confirmed = false;
    const onReceipt = waiter.wait('m', () => confirmed, 3_600_000, new AbortController().signal);
    confirmed = true;
    waiter.wake('m');
    expect(await onReceipt).toBe('confirmed');
    expect(await waiter.wait('m', () => true, 3_600_000, new AbortController().signal)).toBe('confirmed');
    expect(await waiter.wait('m', () => false, 1, new AbortController().signal)).toBe('none');
    const over = new AbortController();
    const aborted = waiter.wait('m', () => false, 3_600_000, over.signal);
    over.abort();
    expect(await aborted).toBe('aborted');
    expect(waiter.open).toBe(0);
  });
});

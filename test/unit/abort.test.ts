// The abortable waits every delivery uses: they end at once when their signal fires, including a signal
// that fired before the wait began (the listener such a signal never calls used to hold shutdowns).
import { describe, expect, it } from 'vitest';
import { ABORTED, delay, onAbort, unlessAborted } from '../../core/abort';

const hour = 3_600_000;

describe('abortable waits', () => {
  it('calls back at once for a signal that already fired, and once for one that fires later', () => {
    const calls: string[] = [];
    onAbort(AbortSignal.abort(), () => calls.push('before'));
    const later = new AbortController();
    onAbort(later.signal, () => calls.push('later'));
    const removed = new AbortController();
    onAbort(removed.signal, () => calls.push('removed'))();
    later.abort();
    removed.abort();
    expect(calls).toEqual(['before', 'later']);
  });

  it('gives the value when it comes first, ABORTED when the signal does', async () => {
    expect(await unlessAborted(Promise.resolve('sent'), new AbortController().signal)).toBe('sent');
    expect(await unlessAborted(new Promise(() => {}), AbortSignal.abort())).toBe(ABORTED);
    const stopping = new AbortController();
    const waiting = unlessAborted(new Promise(() => {}), stopping.signal);
    stopping.abort();
    expect(await waiting).toBe(ABORTED);
    await expect(unlessAborted(Promise.reject(new Error('broken')), stopping.signal)).resolves.toBe(ABORTED);
  });

  it('sleeps until the time runs out or the signal fires', async () => {
    expect(await delay(1, new AbortController().signal)).toBe(true);
    expect(await delay(hour, AbortSignal.abort())).toBe(false);
    const stopping = new AbortController();
    const sleeping = delay(hour, stopping.signal);
    stopping.abort();
    expect(await sleeping).toBe(false);
  });
});

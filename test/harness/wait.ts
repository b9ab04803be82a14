// Waiting on what a test harness has seen: resolves with the first item (already there or to come)
// that matches, woken by the harness's own event rather than by polling.
import { once, type EventEmitter } from 'node:events';

export async function firstMatch<T>(items: readonly T[], match: (item: T) => boolean, arrivals: EventEmitter, event: string, timeoutMs: number): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  for (;;) {
    const found = items.find(match);
    if (found !== undefined) return found;
    await once(arrivals, event, { signal });
  }
}

// Back-off with full jitter: waits grow to the cap, are spread over [0, ceiling], and start over after a success.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../shared/backoff';

describe('Backoff', () => {
  it('doubles the ceiling up to the cap, drawing each wait below it', () => {
    const highest = new Backoff({ baseMs: 100, capMs: 1_000, random: () => 0.999_999 });
    expect([1, 2, 3, 4, 5, 6].map(() => highest.next())).toEqual([99, 199, 399, 799, 999, 999]);
    const lowest = new Backoff({ baseMs: 100, capMs: 1_000, random: () => 0 });
    expect(lowest.next()).toBe(0);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ baseMs: 100, capMs: 10_000, random: () => 0.5 });
    backoff.next();
    backoff.next();
    expect(backoff.failures).toBe(2);
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });

  it('never leaves [0, cap], however many failures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 0, max: 2_000 }), (base, cap, failures) => {
        const backoff = new Backoff({ baseMs: base, capMs: cap });
        let wait = 0;
        for (let i = 0; i <= failures; i++) wait = backoff.next();
        return Number.isFinite(wait) && wait >= 0 && wait <= cap;
      }),
      { seed: 8, numRuns: 300 },
    );
  });
});

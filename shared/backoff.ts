// Back-off with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the n-th wait is
// drawn uniformly from [0, min(cap, base * 2^n)], so that many clients cut off together (every
// Switchboard behind one dropped network, every message waiting on one server) do not come back in step.
// Written once here and used by every mechanism's reconnection and by messages waiting for a way out.

export interface BackoffOptions {
  /** The ceiling of the first wait, in ms. */
  readonly baseMs: number;
  /** The ceiling no wait goes above, in ms. */
  readonly capMs: number;
  /** A number in [0, 1); Math.random unless a test needs to choose. */
  readonly random?: () => number;
}

/** Counts failures and says how long to wait before the next try; `reset()` after a success. */
export class Backoff {
  readonly #options: BackoffOptions;
  #failures = 0;

  constructor(options: BackoffOptions) {
    this.#options = options;
  }

  /** How many tries failed in a row. */
  get failures(): number {
    return this.#failures;
  }

  /** The wait before the next try, counting one more failure. */
  next(): number {
    const { baseMs, capMs, random = Math.random } = this.#options;
    // 2^n overflows to Infinity long after the cap is reached; min() keeps it finite.
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(this.#failures, 52));
    this.#failures++;
    return Math.floor(random() * ceiling);
  }

  reset(): void {
    this.#failures = 0;
  }
}

// Waits for a recipient's device to confirm a message (a delivery receipt or read marker), woken by each
// receipt for that message as it arrives, bounded by a time and by the delivery's signal.
import { onAbort } from '../abort';

export type ReceiptWait = 'confirmed' | 'none' | 'aborted';

export class ReceiptWaiter {
  readonly #waiters = new Map<string, Set<() => void>>();

  /**
   * 'confirmed' as soon as `confirmed()` holds (checked now and at each wake), 'none' when `ms` ran out,
   * 'aborted' when the signal fired.
   */
  wait(messageId: string, confirmed: () => boolean, ms: number, signal: AbortSignal): Promise<ReceiptWait> {
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(messageId);
      if (!waiters) this.#waiters.set(messageId, (waiters = new Set()));
      const set = waiters;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let offAbort = () => {};
      let over = false;
      const done = (how: ReceiptWait) => {
        over = true;
        clearTimeout(timer);
        offAbort();
        set.delete(check);
        if (!set.size) this.#waiters.delete(messageId);
        resolve(how);
      };
      const check = () => void (confirmed() && done('confirmed'));
      set.add(check);
      check(); // the receipt may have come already
      if (!over) offAbort = onAbort(signal, () => done('aborted'));
      if (!over) timer = setTimeout(() => done('none'), ms);
    });
  }

  /** A receipt for this message arrived: each waiter checks again. */
  wake(messageId: string): void {
    for (const check of [...(this.#waiters.get(messageId) ?? [])]) check();
  }

  /** How many waits are open (none once every delivery has ended). */
  get open(): number {
    return [...this.#waiters.values()].reduce((n, s) => n + s.size, 0);
  }
}

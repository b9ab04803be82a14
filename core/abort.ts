// Waits that end at once when their AbortSignal fires, including a signal that fired before the wait
// began: a listener added to an already aborted signal is never called, which once let every shutdown
// sit out a whole wait and then record a false "expired".

/** Calls `fn` once when `signal` aborts (at once if it already has); returns what removes the listener. */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => undefined;
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/** What `unlessAborted` gives when the signal fired first. */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * The promise's value, or ABORTED as soon as the signal fires, whichever comes first. The promise
 * itself goes on (nothing can cancel it); its late value or rejection is dropped.
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  return new Promise<T | typeof ABORTED>((resolve, reject) => {
    const off = onAbort(signal, () => resolve(ABORTED));
    promise.then(
      (value) => (off(), resolve(value)),
      (error: unknown) => (off(), reject(error)),
    );
  });
}

/** Resolves after `ms`, or at once when the signal fires: true when the time ran out, false when aborted. */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = onAbort(signal, () => {
      clearTimeout(timer);
      resolve(false);
    });
    if (signal.aborted) return;
    timer = setTimeout(() => {
      off();
      resolve(true);
    }, ms);
  });
}

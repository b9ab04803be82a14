// A wait with a limit that leaves nothing behind: the limit's timer is cleared as soon as the wait
// ends, so that stopping or reconnecting many times does not leave timers running out their time.

/** What `promise` gives, or undefined once `ms` have passed, whichever comes first; a rejection passes through. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

// Waiting instead of failing: when every step left of a message's policy is on a mechanism that is
// reconnecting (or whose send failed in a way a retry can mend), the message waits for one to come
// back rather than being reported "not delivered". Mechanisms that are inactive (an account whose
// settings are wrong) are not waited for: they do not come back by themselves.
import type { MechanismId, MechanismView } from '../../shared/domain';
import { onAbort } from '../abort';

export interface WaitFacts {
  /** The configuration's mechanisms, in order. */
  readonly steps: readonly MechanismId[];
  /** The mechanisms the recipient has an address on. */
  readonly recipient: readonly MechanismId[];
  readonly state: (mechanism: MechanismId) => MechanismView['state'] | undefined;
  /** Where the message is already accepted, or failed for good: nothing left to wait for there. */
  readonly settled: (mechanism: MechanismId) => boolean;
  /** Where the last send failed in a way a retry can mend. */
  readonly retryable: ReadonlySet<MechanismId>;
}

export interface Waitable {
  /** Reconnecting: wait for them to be active. */
  readonly connecting: MechanismId[];
  /** Active, with a retryable failure: try again after a back-off. */
  readonly retry: MechanismId[];
}

export function waitable(f: WaitFacts): Waitable {
  const reachable = new Set(f.recipient);
  const candidates = [...new Set(f.steps)].filter((m) => reachable.has(m) && !f.settled(m));
  return {
    connecting: candidates.filter((m) => f.state(m) === 'connecting'),
    retry: candidates.filter((m) => f.state(m) === 'active' && f.retryable.has(m)),
  };
}

export const nothingToWaitFor = (w: Waitable): boolean => !w.connecting.length && !w.retry.length;

/** Resolves at the next change of mechanism states, or when the signal fires. */
export function nextChange(onChange: (listener: () => void) => () => void, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    let offAbort = () => {};
    const done = () => {
      off();
      offAbort();
      resolve();
    };
    const off = onChange(done);
    offAbort = onAbort(signal, done);
  });
}

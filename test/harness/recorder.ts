// A MechanismContext that records what a mechanism reports, with waits on those reports.
import { EventEmitter, once } from 'node:events';
import type { PresenceShow } from '../../shared/domain';
import type { MechanismContext, MechanismStatus } from '../../shared/mechanism';

export interface Recorder {
  readonly context: MechanismContext;
  readonly statuses: MechanismStatus[];
  readonly presence: Map<string, PresenceShow>;
  readonly incoming: { from: string; body: string; id?: string }[];
  readonly receipts: { messageId: string; level: 'delivered' | 'read' }[];
  readonly suggestions: { address: string; name?: string }[];
  readonly logs: string[];
  /** Waits until `check` holds, re-checking on every report. */
  until(check: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
}

export function recorder(account: unknown, addresses: string[]): Recorder {
  const changed = new EventEmitter();
  const statuses: MechanismStatus[] = [];
  const presence = new Map<string, PresenceShow>();
  const incoming: { from: string; body: string; id?: string }[] = [];
  const logs: string[] = [];
  const receipts: { messageId: string; level: 'delivered' | 'read' }[] = [];
  const suggestions: { address: string; name?: string }[] = [];
  const log = (level: string) => (m: string) => void (logs.push(`${level} ${m}`), changed.emit('change'));
  const context: MechanismContext = {
    account,
    addresses: () => addresses,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    status: (s) => void (statuses.push(s), changed.emit('change')),
    presence: (a, s) => void (presence.set(a, s), changed.emit('change')),
    incoming: (m) => void (incoming.push(m), changed.emit('change')),
    suggest: (person) => void (suggestions.push(person), changed.emit('change')),
    receipt: (messageId, level) => void (receipts.push({ messageId, level }), changed.emit('change')),
    lastServerId: () => undefined,
  };
  return {
    context,
    statuses,
    presence,
    incoming,
    receipts,
    suggestions,
    logs,
    async until(check, timeoutMs = 20_000, what = 'condition') {
      const signal = AbortSignal.timeout(timeoutMs);
      while (!check()) {
        try {
          await once(changed, 'change', { signal });
        } catch {
          throw new Error(`timed out waiting for ${what}; statuses: ${JSON.stringify(statuses)}; log: ${logs.join(' | ')}`);
        }
      }
    },
  };
}

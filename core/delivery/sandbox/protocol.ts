// The messages between the core and a sandboxed delivery-manager plugin's process
// (core/plugin-host/sandbox/delivery-manager.mjs), beside those every sandbox speaks (the load, the
// watchdog's pings, log lines: core/plugin-host/plugin-process.ts). What the process sends is untrusted:
// every message is validated here before the core acts on it, and anything else is dropped.
import { z } from 'zod';
import type { DeliveryConfiguration, DeliveryJob, DeliveryStep } from '../../../shared/delivery';
import type { PresenceShow } from '../../../shared/domain';

/** What the plugin reads synchronously from its job, sent with the job and with every answer. */
export interface JobSnapshot {
  readonly policy: readonly DeliveryStep[];
  readonly presence: Readonly<Record<string, PresenceShow | 'none'>>;
  readonly receipts: Readonly<Record<string, boolean>>;
}

export type ToSandbox =
  | { readonly t: 'deliver'; readonly job: string; readonly request: { readonly message: DeliveryJob['message']; readonly configuration: DeliveryConfiguration; readonly snapshot: JobSnapshot } }
  | { readonly t: 'answer'; readonly job: string; readonly call: number; readonly value: unknown; readonly snapshot: JobSnapshot };

const text = z.string().max(2_000);
const job = z.string().max(100);

export const fromSandbox = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), job, call: z.number().int(), method: z.enum(['attempt', 'ask']), arg: z.unknown() }),
  z.object({ t: z.literal('skip'), job, step: z.unknown(), why: text }),
  z.object({
    t: z.literal('done'),
    job,
    result: z.discriminatedUnion('outcome', [
      z.object({ outcome: z.literal('delivered'), mechanism: z.string().max(200) }),
      z.object({ outcome: z.literal('failed'), tried: z.number().int().min(0) }),
      z.object({ outcome: z.literal('declined') }),
      z.object({ outcome: z.literal('expired') }),
    ]),
  }),
  z.object({ t: z.literal('error'), job, error: text }),
]);

export type FromSandbox = z.output<typeof fromSandbox>;

/** The snapshot of a job now: its policy, and presence and receipts on every mechanism of its configuration. */
export function snapshotOf(job: DeliveryJob): JobSnapshot {
  const mechanisms = [...new Set(job.configuration.steps.map((s) => s.mechanism))];
  return {
    policy: job.policy(),
    presence: Object.fromEntries(mechanisms.map((m) => [m, job.presence(m)])),
    receipts: Object.fromEntries(mechanisms.map((m) => [m, job.receipts(m)])),
  };
}

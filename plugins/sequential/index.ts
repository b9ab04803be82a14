// The sequential delivery manager: one mechanism after another until one accepts the message.
import type { DeliveryManagerPlugin, DeliveryResult } from '../../shared/delivery';
import type { MechanismId } from '../../shared/domain';
import manifest from './manifest.json';

export default function sequential(): DeliveryManagerPlugin {
  return {
    kind: 'delivery-manager',
    id: manifest.name,
    displayName: manifest.displayName,
    create: () => ({
      async deliver(job): Promise<DeliveryResult> {
        const tried = new Set<MechanismId>();
        for (;;) {
          // Recomputed each time: the active mechanisms may have changed during the last attempt.
          const next = job.policy().find((m) => !tried.has(m));
          if (next === undefined) break;
          tried.add(next);
          const outcome = await job.attempt(next);
          if (outcome.ok) return { delivered: true, mechanism: next };
        }
        return {
          delivered: false,
          reason: tried.size
            ? `${job.contactName} could not be reached: every way of reaching them failed.`
            : `${job.contactName} cannot be reached right now: none of the ways to reach them is connected.`,
        };
      },
    }),
  };
}

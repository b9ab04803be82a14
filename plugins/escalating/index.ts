// The escalating delivery manager: one mechanism at a time, each confirmed by a receipt within the
// step's time, escalating to the next; asks the sender before steps marked to ask.
import type { DeliveryManagerPlugin, DeliveryResult, DeliveryStep } from '../../shared/delivery';
import type { MechanismId } from '../../shared/domain';
import { deliveryManagerPlugin } from '../common/factories';
import manifest from './manifest.json';

/** How long a step written as plain "accepted" waits for a receipt where receipts exist. */
export const DEFAULT_RECEIPT_SECONDS = 60;

export default function escalating(): DeliveryManagerPlugin {
  return deliveryManagerPlugin(manifest, async (job): Promise<DeliveryResult> => {
    const done = new Set<MechanismId>();
    let tried = 0;
    for (;;) {
      if (job.expired()) return { outcome: 'expired' };
      const step = job.policy().find((s) => !done.has(s.mechanism));
      if (!step) return { outcome: 'failed', tried };
      done.add(step.mechanism);
      if (step.ask && !(await job.ask())) return { outcome: 'declined' };
      const confirmed: DeliveryStep =
        step.verify === 'accepted' && job.receipts(step.mechanism) ? { ...step, verify: { receiptWithinSeconds: DEFAULT_RECEIPT_SECONDS } } : step;
      tried += 1;
      if ((await job.attempt(confirmed)).ok) return { outcome: 'delivered', mechanism: step.mechanism };
    }
  });
}

// The sequential delivery manager: one step after another until one succeeds. Steps marked to run in
// parallel with the next go together; a step marked to ask waits for the sender's yes.
import type { DeliveryManagerPlugin, DeliveryResult } from '../../shared/delivery';
import type { MechanismId } from '../../shared/domain';
import { stepGroups } from '../../shared/steps';
import { deliveryManagerPlugin } from '../common/factories';
import manifest from './manifest.json';

export default function sequential(): DeliveryManagerPlugin {
  return deliveryManagerPlugin(manifest, async (job): Promise<DeliveryResult> => {
    const done = new Set<MechanismId>();
    let tried = 0;
    for (;;) {
      if (job.expired()) return { outcome: 'expired' };
      // Recomputed each time: mechanisms may have come up or gone down during the last attempt.
      const group = stepGroups(job.policy().filter((s) => !done.has(s.mechanism)))[0];
      if (!group) return { outcome: 'failed', tried };
      for (const step of group) done.add(step.mechanism);
      if (group.some((s) => s.ask) && !(await job.ask())) return { outcome: 'declined' };
      tried += group.length;
      const results = await Promise.all(group.map((step) => job.attempt(step)));
      const success = results.findIndex((r) => r.ok);
      if (success >= 0) return { outcome: 'delivered', mechanism: group[success]!.mechanism };
    }
  });
}

// The presence-first delivery manager: send only where the recipient is shown available; mechanisms
// without presence come last.
import type { DeliveryManagerPlugin, DeliveryResult } from '../../shared/delivery';
import type { MechanismId } from '../../shared/domain';
import { deliveryManagerPlugin } from '../common/factories';
import manifest from './manifest.json';

export default function presenceFirst(): DeliveryManagerPlugin {
  return deliveryManagerPlugin(manifest, async (job): Promise<DeliveryResult> => {
    const done = new Set<MechanismId>();
    let tried = 0;
    for (;;) {
      if (job.expired()) return { outcome: 'expired' };
      const policy = job.policy().filter((s) => !done.has(s.mechanism));
      if (!policy.length) return { outcome: 'failed', tried };
      for (const step of policy) {
        const show = job.presence(step.mechanism);
        if (show !== 'available' && show !== 'none') {
          done.add(step.mechanism);
          tried += 1;
          job.skip(step, `the recipient is shown ${show} there`);
        }
      }
      const step = policy.find((s) => job.presence(s.mechanism) === 'available') ?? policy.find((s) => job.presence(s.mechanism) === 'none');
      if (!step || done.has(step.mechanism)) continue;
      done.add(step.mechanism);
      if (step.ask && !(await job.ask())) return { outcome: 'declined' };
      tried += 1;
      if ((await job.attempt(step)).ok) return { outcome: 'delivered', mechanism: step.mechanism };
    }
  });
}

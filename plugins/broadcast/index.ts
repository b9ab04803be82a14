// The broadcast delivery manager: every mechanism of the policy at once; delivered when any succeeds.
import type { DeliveryManagerPlugin, DeliveryResult } from '../../shared/delivery';
import { deliveryManagerPlugin } from '../common/factories';
import manifest from './manifest.json';

export default function broadcast(): DeliveryManagerPlugin {
  return deliveryManagerPlugin(manifest, async (job): Promise<DeliveryResult> => {
    let steps = job.policy();
    if (steps.some((s) => s.ask) && !(await job.ask())) {
      for (const step of steps.filter((s) => s.ask)) job.skip(step, 'the sender said no to this step');
      steps = steps.filter((s) => !s.ask);
      if (!steps.length) return { outcome: 'declined' };
    }
    if (!steps.length) return { outcome: 'failed', tried: 0 };
    return new Promise((resolve) => {
      let left = steps.length;
      for (const step of steps) {
        void job.attempt(step).then((result) => {
          if (result.ok) resolve({ outcome: 'delivered', mechanism: step.mechanism });
          else if (--left === 0) resolve({ outcome: 'failed', tried: steps.length });
        });
      }
    });
  });
}

// The delivery policy: which steps to take for one message, in which order.
import type { MechanismId } from '../../shared/domain';
import type { DeliveryStep } from '../../shared/delivery';

/**
 * The recipient's mechanisms ∩ the mechanisms active now ∩ the configuration's steps, in the
 * configuration's order (the configuration expresses the sender's preference; the rest only filter).
 * A mechanism listed twice is kept once, at its first place.
 */
export function computePolicy<S extends Pick<DeliveryStep, 'mechanism'>>(
  recipient: Iterable<MechanismId>,
  active: Iterable<MechanismId>,
  steps: readonly S[],
): S[] {
  const reachable = new Set(recipient);
  const up = new Set(active);
  const seen = new Set<MechanismId>();
  const policy: S[] = [];
  for (const step of steps) {
    if (seen.has(step.mechanism)) continue;
    seen.add(step.mechanism);
    if (reachable.has(step.mechanism) && up.has(step.mechanism)) policy.push(step);
  }
  return policy;
}

// The delivery policy: which mechanisms to try for one message, in which order.
import type { MechanismId } from '../../shared/domain';

/**
 * The recipient's mechanisms ∩ the mechanisms active now ∩ the configuration's list, in the
 * configuration's order (the configuration expresses the sender's preference; the rest only filter).
 */
export function computePolicy(
  recipient: Iterable<MechanismId>,
  active: Iterable<MechanismId>,
  configuration: readonly MechanismId[],
): MechanismId[] {
  const reachable = new Set(recipient);
  const up = new Set(active);
  const seen = new Set<MechanismId>();
  const policy: MechanismId[] = [];
  for (const mechanism of configuration) {
    if (seen.has(mechanism)) continue;
    seen.add(mechanism);
    if (reachable.has(mechanism) && up.has(mechanism)) policy.push(mechanism);
  }
  return policy;
}

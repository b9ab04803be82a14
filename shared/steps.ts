// Helpers for delivery managers: grouping steps that run together.
import type { DeliveryStep } from './delivery';

/** Splits steps into groups run one after another; a step marked parallelWithNext joins the next one's group. */
export function stepGroups<S extends Pick<DeliveryStep, 'parallelWithNext'>>(steps: readonly S[]): S[][] {
  const groups: S[][] = [];
  let current: S[] = [];
  for (const step of steps) {
    current.push(step);
    if (!step.parallelWithNext) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length) groups.push(current);
  return groups;
}

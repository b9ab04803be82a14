// Every process the harness spawns, announced with the name a person knows it by. Tests ignore this;
// the demo (scripts/demo/world.ts) listens to notice a server dying and to stop all that is left.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

export const spawned = new EventEmitter<{ child: [name: string, child: ChildProcess] }>();

/** Announces `child` under `name` and returns it. */
export function named<T extends ChildProcess>(name: string, child: T): T {
  spawned.emit('child', name, child);
  return child;
}

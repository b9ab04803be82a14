// Types for scripts/children.mjs, used by the demo's world (scripts/demo/world.ts).
import type { ChildProcess, SpawnOptions } from 'node:child_process';

export declare function startChild(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
export declare function onStopSignal(stop: (signal: NodeJS.Signals) => void): void;
export declare function isRunning(child: ChildProcess): boolean;
export declare function howItEnded(code: number | null, signal: NodeJS.Signals | null): string;
export declare function stopChild(child: ChildProcess, signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
export declare function sweepGroup(pgid: number, ms?: number): Promise<void>;

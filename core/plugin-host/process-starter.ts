// How a plugin's process is started: the core asks for one through this interface, so that it stays
// free of Electron. The browser host (and the tests) start plain Node children with fork(); the
// Electron shell gives its own starter (electron/plugin-process.ts, a utilityProcess), since a
// packaged Electron's fuses forbid running itself as Node.
import { fork } from 'node:child_process';

/** A started plugin process, as the core sees it: messages both ways, its end, and a way to end it. */
export interface PluginChild {
  /** Sends a message; one sent after the process ended is dropped. */
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process has ended, with why in plain words. */
  onExit(listener: (why: string) => void): void;
  /** Ends the process at once (it may be stuck in a loop: it is not asked). */
  kill(): void;
  readonly exited: boolean;
}

export interface ProcessStart {
  /** The sandbox script to run (an ES module file). */
  readonly script: string;
  /** Node flags: the permission model, the heap limit. */
  readonly execArgv: readonly string[];
  /** A name for the process, for the OS's task manager. */
  readonly name: string;
}

export type ProcessStarter = (start: ProcessStart) => PluginChild;

/** Why a process ended, from its exit code or signal. */
export const exitReason = (code: number | null, signal: string | null): string =>
  signal ? `its process was ended (${signal})` : `its process exited (code ${code})`;

/** A Node child process over the IPC channel (JSON), with nothing of the core's environment. */
export const forkStarter: ProcessStarter = ({ script, execArgv }) => {
  const child = fork(script, [], {
    execArgv: [...execArgv],
    // Nothing of the core's environment (a token, a proxy password) goes to the plugin.
    env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    serialization: 'json',
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  // An error of the channel (the process gone mid-send) shows as its exit; nothing else to do.
  child.on('error', () => undefined);
  return {
    send(message) {
      if (child.connected) child.send(message as object, () => undefined);
    },
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', (code, signal) => listener(exitReason(code, signal))),
    kill: () => void child.kill('SIGKILL'),
    get exited() {
      return exited || child.exitCode !== null || child.signalCode !== null;
    },
  };
};

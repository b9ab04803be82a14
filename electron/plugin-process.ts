// Starts the sandboxes of users' plugins as Electron utility processes. The core's default starter
// forks the executable as Node (ELECTRON_RUN_AS_NODE), which a packaged build's fuses forbid; a
// utilityProcess is Electron's own way to run Node code away from the main process. The core's
// sandbox flags (the permission model limited to the plugin's folder, the heap limit) go as its
// execArgv, and the sandbox script speaks over process.parentPort (core/plugin-host/sandbox/channel.mjs).
import { utilityProcess } from 'electron';
import { exitReason, type ProcessStarter } from '../core/plugin-host/process-starter';

export const utilityProcessStarter: ProcessStarter = ({ script, execArgv, name }) => {
  const child = utilityProcess.fork(script, [], {
    execArgv: [...execArgv],
    // Nothing of the app's environment (a token, a proxy password) goes to the plugin.
    env: {},
    stdio: 'ignore',
    serviceName: name,
  });
  let exited = false;
  const exitListeners: ((why: string) => void)[] = [];
  child.once('exit', (code) => {
    exited = true;
    for (const listener of exitListeners) listener(exitReason(code, null));
  });
  return {
    send(message) {
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void exitListeners.push(listener),
    kill: () => void child.kill(),
    get exited() {
      return exited;
    },
  };
};

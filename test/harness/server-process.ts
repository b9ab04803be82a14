// One server process of a test (Prosody, ngIRCd, InspIRCd ...): started, known to be up when its port
// accepts connections, its output kept in a log, stopped by a signal (SIGKILL acts as a crash).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { waitForPort } from './ports';
import { named } from './spawned';

export interface ServerProcess {
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function serverProcess(name: string, binary: string, args: readonly string[], port: number, outputFile: string, logFile = outputFile): ServerProcess {
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  return {
    async start() {
      const started = named(name, spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
      child = started;
      const output = fs.createWriteStream(outputFile, { flags: 'a' });
      // Two sources into one file: neither may end it (the other could still write: "write after end"),
      // so it is closed once the process and both its pipes are done.
      started.stdout!.pipe(output, { end: false });
      started.stderr!.pipe(output, { end: false });
      started.once('close', () => output.end());
      try {
        await waitForPort(port, 15_000, () => started.exitCode === null && started.signalCode === null);
      } catch (error) {
        const tail = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-2000) : '');
        throw new Error(`${name} did not start: ${(error as Error).message}\n${tail(outputFile)}\n${logFile === outputFile ? '' : tail(logFile)}`);
      }
    },
    async stop(signal = 'SIGKILL') {
      if (!running()) return;
      const gone = once(child!, 'exit');
      child!.kill(signal);
      await gone;
    },
  };
}

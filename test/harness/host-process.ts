// Runs the browser host as its own process (`node dist/host/main.js`, as `npm start` does) and talks
// to it over its WebSocket like the page does. Used where a test must kill the real process.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { readFrame } from '../../shared/wire';
import WebSocket from 'ws';
import type { EventName, EventPayload, RequestInput, RequestName, RequestResult } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { named } from './spawned';

export interface HostProcess {
  readonly url: string;
  readonly origin: string;
  readonly process: ChildProcess;
  output(): string;
  /** Resolves when the process has exited. */
  exited(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startHostProcess(configDir: string): Promise<HostProcess> {
  // Without NODE_EXTRA_CA_CERTS: Switchboard must trust servers through its own caFile setting.
  const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
  const child = named('the Switchboard browser host', spawn(process.execPath, ['dist/host/main.js'], { env: { ...env, SWITCHBOARD_CONFIG_DIR: configDir }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(log)?.[0];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`the browser host exited (${code}):\n${log}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    process: child,
    output: () => log,
    exited: () => exit,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exit;
      }
    },
  };
}

export interface IpcClient {
  call<K extends RequestName>(name: K, input: RequestInput<K>): Promise<RequestResult<K>>;
  event<K extends EventName>(name: K, match?: (payload: EventPayload<K>) => boolean, timeoutMs?: number): Promise<EventPayload<K>>;
  close(): void;
}

/** Connects to a host's IPC WebSocket exactly as the page does (same Origin, the token from the URL). */
export async function connectIpc(host: HostProcess): Promise<IpcClient> {
  const token = new URLSearchParams(new URL(host.url).hash.slice(1)).get('token')!;
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ipc?token=${token}`, { origin: host.origin });
  await once(ws, 'open');
  const answers = new Map<number, (r: Result<unknown>) => void>();
  const seen: { event: string; payload: unknown }[] = [];
  const arrivals = new EventEmitter();
  let next = 1;
  ws.on('message', (data) => {
    const frame = readFrame(data.toString());
    if (!frame) return;
    if ('events' in frame) {
      for (const e of frame.events) seen.push({ event: e.event, payload: e.payload });
      arrivals.emit('event');
    } else if (typeof frame.id === 'number') answers.get(frame.id)?.(frame.result);
  });
  return {
    async call(name, input) {
      const id = next++;
      const result = await new Promise<Result<unknown>>((resolve) => {
        answers.set(id, resolve);
        ws.send(JSON.stringify({ id, name, payload: input }));
      });
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
      return result.value as never;
    },
    async event(name, match = () => true, timeoutMs = 30_000) {
      const signal = AbortSignal.timeout(timeoutMs);
      let from = 0;
      for (;;) {
        for (; from < seen.length; from++) if (seen[from]!.event === name && match(seen[from]!.payload as never)) return seen[from]!.payload as never;
        await once(arrivals, 'event', { signal });
      }
    },
    close: () => ws.close(),
  };
}

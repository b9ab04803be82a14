// The drill's connection to a browser host's IPC WebSocket, as the page makes it (same Origin, the
// token from the URL). Unlike the tests' client it expects the host to die: every pending call is
// rejected when the socket closes, and events are handed to a listener as they come.
import { once } from 'node:events';
import { readFrame } from '../../shared/wire';
import WebSocket from 'ws';
import type { EventName, EventPayload, RequestInput, RequestName, RequestResult } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { HostProcess } from '../../test/harness/host-process';

export interface DrillIpc {
  call<K extends RequestName>(name: K, input: RequestInput<K>): Promise<RequestResult<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): void;
  close(): void;
}

/** Thrown for a call whose answer never came because the host went away. */
export class HostGone extends Error {}

export async function connectDrillIpc(host: HostProcess): Promise<DrillIpc> {
  const token = new URLSearchParams(new URL(host.url).hash.slice(1)).get('token')!;
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ipc?token=${token}`, { origin: host.origin });
  ws.on('error', () => undefined); // a killed host resets the socket; 'close' follows and says enough
  await once(ws, 'open');
  const pending = new Map<number, { resolve: (r: Result<unknown>) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  let next = 1;
  ws.on('message', (data) => {
    const frame = readFrame(data.toString());
    if (!frame) return;
    if ('events' in frame) {
      for (const e of frame.events) for (const listener of listeners.get(e.event) ?? []) listener(e.payload);
    } else if (typeof frame.id === 'number') {
      pending.get(frame.id)?.resolve(frame.result);
      pending.delete(frame.id);
    }
  });
  ws.on('close', () => {
    for (const { reject } of pending.values()) reject(new HostGone('the host went away before answering'));
    pending.clear();
  });
  return {
    async call(name, input) {
      if (ws.readyState !== WebSocket.OPEN) throw new HostGone('the host is not connected');
      const id = next++;
      const result = await new Promise<Result<unknown>>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, name, payload: input }));
      });
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
      return result.value as never;
    },
    on(name, listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener as (payload: unknown) => void]);
    },
    close: () => ws.close(),
  };
}

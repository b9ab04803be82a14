// Carries the IPC contract to the browser host over a WebSocket. The host gave the page its token in
// the URL fragment; the WebSocket goes back to the same origin with it.
import type { EventName, RequestName } from '../../shared/contract';
import type { Transport } from '../../shared/api';
import { fail, type Result } from '../../shared/result';

export function webSocketTransport(location: Location): Transport {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const socket = new WebSocket(`ws://${location.host}/ipc?token=${encodeURIComponent(token)}`);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('close', () => reject(new Error('closed')), { once: true });
  });
  opened.catch(() => undefined);
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;

  socket.addEventListener('message', (event) => {
    const data = JSON.parse(String(event.data)) as { id?: number; result?: Result<unknown>; event?: string; payload?: unknown };
    if (typeof data.id === 'number' && data.result) {
      pending.get(data.id)?.(data.result);
      pending.delete(data.id);
    } else if (data.event) {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve(fail('internal', 'The connection to Switchboard was lost.'));
    pending.clear();
  });

  return {
    async invoke(name: RequestName, input: unknown): Promise<Result<unknown>> {
      try {
        await opened;
      } catch {
        return fail('internal', 'Switchboard cannot be reached from this page.');
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, name, payload: input }));
      });
    },
    subscribe(name: EventName, listener: (payload: unknown) => void) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

// Carries the IPC contract to the browser host over a WebSocket. The host gave the page its token in
// the URL fragment; the WebSocket goes back to the same origin with it. Once read, the token leaves the
// address bar and the history (where anyone glancing at them or any later script could read it) and
// stays in this tab's sessionStorage, so a reload of the same tab still connects.
import type { EventName, RequestName } from '../../shared/contract';
import type { Transport } from '../../shared/api';
import { fail, type Result } from '../../shared/result';
import { readFrame } from '../../shared/wire';

const tokenKey = 'switchboard.token';

// A browser set to refuse site storage throws on any use of it; the page then works until reloaded.
const kept = {
  get: () => {
    try {
      return sessionStorage.getItem(tokenKey);
    } catch {
      return null;
    }
  },
  set: (token: string) => {
    try {
      sessionStorage.setItem(tokenKey, token);
    } catch {
      // nothing to keep it in
    }
  },
};

/** The token from the address (removed from it), or the one this tab kept from an earlier load. */
function takeToken(location: Location): string {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get('token');
  if (given === null) return kept.get() ?? '';
  kept.set(given);
  fragment.delete('token');
  const rest = fragment.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return given;
}

export function webSocketTransport(location: Location): Transport {
  const token = takeToken(location);
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
    const frame = readFrame(String(event.data)); // the host sends only frames of shared/wire.ts; anything else is not ours to act on
    if (!frame) return;
    if ('events' in frame) {
      for (const { event: name, payload } of frame.events) for (const listener of listeners.get(name) ?? []) listener(payload);
    } else if (typeof frame.id === 'number') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
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

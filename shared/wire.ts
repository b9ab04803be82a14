// What the browser host and its pages write on the IPC WebSocket. A page sends one request per
// frame; the host answers each in a frame of its own, and sends the events of one turn of its event
// loop together, in order, in one frame: a burst of sends raises a few events per message, and one
// frame (one write, one message for the page to handle) per turn costs far less than one each.
import type { EventName, RequestName } from './contract';
import type { Result } from './result';

export interface WireRequest {
  readonly id: number;
  readonly name: RequestName;
  readonly payload: unknown;
}

export interface WireEvent {
  readonly event: EventName;
  readonly payload: unknown;
}

/** From the host: an answer (id null when the request's id could not be read), or a turn's events. */
export type WireFrame = { readonly id: number | null; readonly result: Result<unknown> } | { readonly events: readonly WireEvent[] };

/** Reads one frame from the host; undefined for anything that is not one (never thrown). */
export function readFrame(text: string): WireFrame | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const frame = data as { id?: unknown; result?: unknown; events?: unknown };
  if (Array.isArray(frame.events)) {
    const events = frame.events.filter((e): e is WireEvent => typeof e === 'object' && e !== null && typeof (e as { event?: unknown }).event === 'string');
    return { events };
  }
  if ((typeof frame.id === 'number' || frame.id === null) && typeof frame.result === 'object' && frame.result !== null) return frame as WireFrame;
  return undefined;
}

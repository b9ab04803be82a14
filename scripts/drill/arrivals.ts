// What the other person received during a drill, in order, with the stable id the mechanism carried
// (XMPP origin-id, e-mail X-Switchboard-Id; IRC carries none).
import { EventEmitter, once } from 'node:events';

export interface Arrival {
  readonly body: string;
  readonly id?: string | null;
  /** Fetched from the person's own archive when they came back after a server restart, not seen live. */
  readonly fromArchive?: boolean;
}

export class ArrivalLog {
  readonly items: Arrival[] = [];
  private readonly events = new EventEmitter();

  add(arrival: Arrival): void {
    this.items.push(arrival);
    this.events.emit('arrival');
  }

  /** Resolves once `done()` holds (checked at each arrival), or when `signal` aborts. */
  async until(done: () => boolean, signal: AbortSignal): Promise<void> {
    while (!done() && !signal.aborted) await once(this.events, 'arrival', { signal }).catch(() => undefined);
  }
}

// A typed bus for the contract's events: the core emits, each host forwards to its renderer.
import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../shared/contract';

export class CoreEvents {
  readonly #emitter = new EventEmitter();

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    this.#emitter.emit(name, payload);
  }

  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }
}

// The delivery managers available now, built-in and plugin; they can come and go while the app runs.
import { EventEmitter } from 'node:events';
import type { DeliveryManagerPlugin } from '../../shared/delivery';
import type { DeliveryManagerView } from '../../shared/domain';

export class DeliveryManagerStore {
  readonly #managers = new Map<string, DeliveryManagerPlugin>();
  readonly #changes = new EventEmitter();

  constructor(initial: readonly DeliveryManagerPlugin[] = []) {
    for (const plugin of initial) this.#managers.set(plugin.id, plugin);
  }

  add(plugin: DeliveryManagerPlugin): void {
    this.#managers.set(plugin.id, plugin);
    this.#changes.emit('change');
  }

  remove(id: string): void {
    if (this.#managers.delete(id)) this.#changes.emit('change');
  }

  get(id: string): DeliveryManagerPlugin | undefined {
    return this.#managers.get(id);
  }

  ids(): string[] {
    return [...this.#managers.keys()];
  }

  views(): DeliveryManagerView[] {
    return [...this.#managers.values()].map((m) => ({ id: m.id, name: m.displayName }));
  }

  onChange(listener: () => void): () => void {
    this.#changes.on('change', listener);
    return () => this.#changes.off('change', listener);
  }
}

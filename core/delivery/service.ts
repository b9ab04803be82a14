// The delivery service: takes a message from the sender, stores it, hands it to a delivery manager
// with a policy computed at dispatch time, and records what became of it.
import { randomUUID } from 'node:crypto';
import type { ContactId, MechanismId, MessageView } from '../../shared/domain';
import type { DeliveryConfiguration, DeliveryManagerPlugin, DeliveryResult } from '../../shared/delivery';
import type { Logger } from '../../shared/mechanism';
import type { Settings } from '../../shared/settings';
import type { ContactDirectory } from '../contacts';
import type { CoreEvents } from '../events';
import { NotFoundError } from '../ipc/handlers';
import type { MechanismRegistry } from '../mechanisms/registry';
import type { MessageStore } from '../messages/store';
import { computePolicy } from './policy';

export interface DeliveryDeps {
  readonly contacts: ContactDirectory;
  readonly registry: MechanismRegistry;
  readonly store: MessageStore;
  readonly events: CoreEvents;
  readonly managers: readonly DeliveryManagerPlugin[];
  readonly settings: Settings['delivery'];
  /** Every known mechanism, in the order used when no configuration names them. */
  readonly mechanisms: readonly MechanismId[];
  readonly log: Logger;
}

export class DeliveryService {
  readonly #deps: DeliveryDeps;
  readonly #pending = new Set<Promise<void>>();

  constructor(deps: DeliveryDeps) {
    this.#deps = deps;
  }

  /** The configuration for a message. Only "Normal" exists until messages carry a priority. */
  configuration(): DeliveryConfiguration {
    const listed = this.#deps.settings.configurations['Normal'];
    return { name: 'Normal', mechanisms: listed ?? this.#deps.mechanisms };
  }

  /** Stores the message (before anything is sent), then delivers it in the background. */
  send(contactId: ContactId, body: string): MessageView {
    const contact = this.#deps.contacts.get(contactId);
    if (!contact) throw new NotFoundError(`There is no contact ${contactId}.`);
    const message: MessageView = { id: randomUUID(), contactId, direction: 'out', body, state: 'sending', at: Date.now() };
    this.#deps.store.add(message);
    this.#deps.events.emit('messages:changed', message);
    const run = this.#deliver(message, contact.name).finally(() => this.#pending.delete(run));
    this.#pending.add(run);
    return message;
  }

  /** Waits for deliveries in flight (used when stopping). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  async #deliver(message: MessageView, contactName: string): Promise<void> {
    const { contacts, registry, log } = this.#deps;
    const plugin = this.#deps.managers.find((m) => m.id === this.#deps.settings.manager) ?? this.#deps.managers[0];
    const configuration = this.configuration();
    let result: DeliveryResult;
    if (!plugin) result = { delivered: false, reason: 'No delivery manager is installed.' };
    else {
      const address = (mechanism: MechanismId) => contacts.get(message.contactId)?.addresses[mechanism];
      try {
        result = await plugin.create().deliver({
          messageId: message.id,
          contactName,
          configuration,
          log,
          policy: () => computePolicy(contacts.mechanismsOf(message.contactId), registry.active(), configuration.mechanisms),
          attempt: async (mechanism) => {
            const to = address(mechanism);
            if (to === undefined) return { ok: false, reason: 'the contact has no address there', final: true };
            const outcome = await registry.send(mechanism, to, { id: message.id, body: message.body });
            log.info(`message ${message.id} via ${mechanism}: ${outcome.ok ? outcome.level : `failed (${outcome.reason})`}`);
            return outcome;
          },
        });
      } catch (error) {
        log.error(`delivery manager ${plugin.id} failed on ${message.id}: ${error instanceof Error ? error.message : String(error)}`);
        result = { delivered: false, reason: `${contactName} could not be reached.` };
      }
    }
    this.#finish(message.id, result, contactName);
  }

  #finish(id: string, result: DeliveryResult, contactName: string): void {
    const { store, events } = this.#deps;
    const updated = result.delivered ? store.update(id, { state: 'sent' }) : store.update(id, { state: 'failed', failure: result.reason });
    if (!updated) return;
    events.emit('messages:changed', updated);
    if (!result.delivered) events.emit('delivery:failed', { messageId: id, contactId: updated.contactId, contactName, reason: result.reason });
  }
}

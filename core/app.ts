// The core of Switchboard, shared by both hosts: settings, contacts, presence, mechanisms, delivery,
// and the request handlers of the IPC contract. Plain Node: it never imports Electron.
import { randomUUID } from 'node:crypto';
import type { AppState, ContactView, MechanismId, MessageView } from '../shared/domain';
import type { DeliveryManagerPlugin } from '../shared/delivery';
import type { Logger, MechanismPlugin, MechanismStatus } from '../shared/mechanism';
import { ContactDirectory } from './contacts';
import { DeliveryService } from './delivery/service';
import { CoreEvents } from './events';
import type { Handlers } from './ipc/handlers';
import { MechanismRegistry } from './mechanisms/registry';
import { FileMessageStore, type MessageStore } from './messages/store';
import { PresenceService } from './presence/service';
import { loadSettings, type SettingsBackend } from './settings/store';

export interface CoreOptions {
  readonly settings: SettingsBackend;
  /** Where message history is kept. */
  readonly dataDir: string;
  readonly mechanisms: readonly MechanismPlugin[];
  readonly deliveryManagers: readonly DeliveryManagerPlugin[];
  readonly log: Logger;
}

export interface Core {
  readonly events: CoreEvents;
  readonly handlers: Handlers;
  start(): void;
  stop(): Promise<void>;
}

const MAX_INCOMING_BODY = 20_000;

export function createCore(options: CoreOptions): Core {
  const { log } = options;
  const events = new CoreEvents();
  const loaded = loadSettings(options.settings);
  const problems = new Map<string, string>(loaded.problems.map((p) => [randomUUID(), p]));
  const pluginById = new Map(options.mechanisms.map((p) => [p.id, p]));
  const normalize = (mechanism: MechanismId, address: string) => pluginById.get(mechanism)?.normalizeAddress(address) ?? address.trim();
  const contacts = new ContactDirectory(loaded.settings.contacts, normalize);
  const presence = new PresenceService();
  const store: MessageStore = new FileMessageStore(options.dataDir, log);

  const appState = (): AppState => ({ problems: [...problems.values()] });
  const contactView = (id: string): ContactView => ({ id, name: contacts.get(id)?.name ?? id, glyph: presence.glyph(id) });
  const contactList = (): ContactView[] =>
    contacts
      .all()
      .map((c) => contactView(c.id))
      .sort((a, b) => a.name.localeCompare(b.name));
  const contactsChanged = () => events.emit('contacts:changed', contactList());

  const setProblem = (key: string, text: string | undefined) => {
    const had = problems.get(key);
    if (text === undefined) problems.delete(key);
    else problems.set(key, text);
    if (had !== text) events.emit('app:changed', appState());
  };

  const registry = new MechanismRegistry(
    {
      status(mechanism, status: MechanismStatus) {
        const name = pluginById.get(mechanism)?.displayName ?? mechanism;
        setProblem(`mechanism:${mechanism}`, status.state === 'inactive' && status.reason !== 'removed' ? `Your ${name} account cannot connect: ${status.reason}` : undefined);
        // A mechanism that is not connected knows nothing about anyone any more.
        if (status.state !== 'active' && presence.forgetMechanism(mechanism).length) contactsChanged();
      },
      presence(mechanism, address, show) {
        let changed = false;
        for (const contact of contacts.byAddress(mechanism, address)) changed = presence.set(contact.id, mechanism, show) || changed;
        if (changed) contactsChanged();
      },
      incoming(mechanism, message) {
        const [contact] = contacts.byAddress(mechanism, message.from);
        if (!contact) {
          log.info(`${mechanism}: message from an unknown address ignored`);
          return;
        }
        const body = String(message.body).slice(0, MAX_INCOMING_BODY);
        if (!body.trim()) return;
        const view: MessageView = { id: randomUUID(), contactId: contact.id, direction: 'in', body, state: 'received', at: Date.now() };
        store.add(view);
        events.emit('messages:changed', view);
      },
    },
    log,
  );

  const delivery = new DeliveryService({
    contacts,
    registry,
    store,
    events,
    managers: options.deliveryManagers,
    settings: loaded.settings.delivery,
    mechanisms: options.mechanisms.map((m) => m.id),
    log,
  });

  const handlers: Handlers = {
    'app:state': () => appState(),
    'contacts:list': () => contactList(),
    'messages:list': ({ contactId }) => store.list(contactId),
    'messages:send': ({ contactId, body }) => delivery.send(contactId, body),
  };

  return {
    events,
    handlers,
    start() {
      // Messages left in "sending" by a process that stopped: say so rather than pretend.
      for (const message of store.unfinished()) {
        store.update(message.id, { state: 'failed', failure: 'Switchboard was closed before this message was sent.' });
      }
      for (const [id, account] of Object.entries(loaded.settings.accounts)) {
        const plugin = pluginById.get(id);
        if (!plugin) {
          setProblem(`account:${id}`, `The settings name an account for "${id}", but no such mechanism is installed.`);
          continue;
        }
        registry.add(plugin, account, () => contacts.addressesOn(id));
      }
    },
    async stop() {
      // Mechanisms first: a send in flight then ends at once instead of holding the stop.
      await registry.stopAll();
      await delivery.settle();
    },
  };
}

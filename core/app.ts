// The core of Switchboard, shared by both hosts: it makes the parts (settings, accounts, contacts,
// presence, new people, mechanisms, delivery managers, the message database) and answers the IPC
// contract's requests with them. Plain Node: it never imports Electron.
import path from 'node:path';
import type { DeliveryFailure } from '../shared/domain';
import type { DeliveryManagerPlugin } from '../shared/delivery';
import type { Logger, MechanismPlugin, MechanismStatus } from '../shared/mechanism';
import { isolate } from '../shared/bidi';
import { AccountService } from './accounts/service';
import { MechanismKinds } from './accounts/kinds';
import { AppStatus } from './app-status';
import { ContactBook } from './contacts/book';
import { NewPeople } from './contacts/new-people';
import { StrangerFloodGate, StrangerInbox, StrangerStore } from './contacts/strangers';
import { DeliveryManagerStore } from './delivery/managers';
import { deliveryManagerFolder, type PluginFolderOptions } from './delivery/plugin-folder';
import { DeliveryService } from './delivery/service';
import { recentDeliveries } from './diagnostics';
import { CoreEvents } from './events';
import { InvalidInputError, NotFoundError, type Handlers } from './ipc/handlers';
import { mechanismFolder } from './mechanisms/plugin-folder';
import { MechanismRegistry } from './mechanisms/registry';
import { Inbox } from './messages/inbox';
import { MessageStore } from './messages/store';
import { PresenceChanges } from './presence/changes';
import type { ProcessStarter } from './plugin-host/process-starter';
import { PresenceService } from './presence/service';
import { dismissedNotices } from './settings/dismissed';
import { SettingsRepository } from './settings/repository';
import { noKeychain, type SecretStore } from './settings/secrets';
import type { SettingsBackend } from './settings/store';
import { openDatabase } from './storage/database';

export interface CoreOptions {
  readonly settings: SettingsBackend;
  /** Where the message database (and the user's delivery-manager and mechanism plugins) live. */
  readonly dataDir: string;
  readonly mechanisms: readonly MechanismPlugin[];
  readonly deliveryManagers: readonly DeliveryManagerPlugin[];
  readonly log: Logger;
  /** Tells the sender outside the window that a message failed (Electron: a tray notification). */
  readonly notify?: (failure: DeliveryFailure) => void;
  /** The folder power users drop delivery-manager plugins into; default <dataDir>/delivery-managers. */
  readonly userPluginDir?: string;
  /** The folder power users drop mechanism plugins into; default <dataDir>/mechanisms. */
  readonly userMechanismDir?: string;
  /** How the sandboxes of those plugins are watched (tests shorten the deadlines). */
  readonly pluginSandbox?: PluginFolderOptions;
  /**
   * Starts the sandboxes' processes. Default: Node children (fork), right for the browser host; the
   * Electron shell gives a utilityProcess starter, since a packaged Electron cannot run as Node.
   */
  readonly processStarter?: ProcessStarter;
  /** How long deliveries wait for mechanisms still connecting (tests shorten it). */
  readonly settleMs?: number;
  /** The OS keychain, where the host has one (Electron's safeStorage); secrets are sealed with it. */
  readonly secrets?: SecretStore;
}

export interface Core {
  readonly events: CoreEvents;
  readonly handlers: Handlers;
  start(): void;
  stop(): Promise<void>;
}

export function createCore(options: CoreOptions): Core {
  const { log } = options;
  const secrets = options.secrets ?? noKeychain;
  const events = new CoreEvents();
  const settings = new SettingsRepository(options.settings);
  const kinds = new MechanismKinds(options.mechanisms);
  const db = openDatabase(options.dataDir);
  const store = new MessageStore(db);
  const managers = new DeliveryManagerStore(options.deliveryManagers);

  // Some parts call others made after them (the book tells the registry, the registry tells the
  // status): only through functions, which run once every part is made, never while one is.
  const book = new ContactBook({
    settings,
    normalize: kinds.normalize,
    presenceOf: (id) => presence.presence(id),
    events,
    addressesChanged: () => registry.addressesChanged(),
  });
  const contacts = () => book.directory;
  const presence = new PresenceService(contacts);
  const presenceChanges = new PresenceChanges(
    (id) => (book.directory.get(id) ? presence.presence(id) : undefined),
    (changes) => events.emit('contacts:presence', changes),
  );
  const strangers = new StrangerStore(db);
  const newPeople = new NewPeople(strangers, book, store, events);
  const inbox = new Inbox({
    contacts,
    normalize: kinds.normalize,
    store,
    strangers,
    strangerInbox: new StrangerInbox(db, strangers, store, new StrangerFloodGate(log)),
    events,
    newPeopleChanged: () => newPeople.changed(),
  });
  const setProblem = (key: string, text: string | undefined) => status.setProblem(key, text);

  const registry = new MechanismRegistry(
    {
      status(mechanism, state: MechanismStatus) {
        const name = kinds.of(mechanism)?.displayName ?? mechanism;
        setProblem(`mechanism:${mechanism}`, state.state === 'inactive' && state.reason !== 'removed' ? `Your ${name} account "${mechanism}" cannot connect: ${isolate(state.reason)}` : undefined);
        // A mechanism that is not connected knows nothing about anyone any more.
        if (state.state !== 'active') presenceChanges.add(presence.forgetMechanism(mechanism));
      },
      presence(mechanism, address, show, text) {
        presenceChanges.add(presence.set(mechanism, address, show, text));
      },
      incoming(mechanism, message) {
        inbox.receive(mechanism, message);
      },
      receipt(mechanism, messageId, level) {
        delivery.receipt(mechanism, messageId, level);
      },
      lastServerId: (mechanism) => store.lastServerId(mechanism),
      suggest(mechanism, person) {
        newPeople.suggest(mechanism, kinds.normalize(mechanism, String(person.address)), person.name === undefined ? undefined : String(person.name));
      },
    },
    log,
  );
  const accounts = new AccountService({
    kinds,
    settings,
    registry,
    secrets,
    setProblem,
    addressesOn: (id) => book.directory.addressesOn(id),
    started: (id) => book.reindex(id),
    log,
  });
  // Made once the accounts are: whether the notice shows depends on the passwords they hold.
  const status = new AppStatus({
    events,
    secrets,
    dismissed: dismissedNotices(options.dataDir),
    settingsFile: settings.location,
    hasStoredSecrets: () => accounts.hasStoredSecrets(),
  });
  for (const problem of settings.loadProblems) status.addProblem(problem);
  settings.onChange(() => status.settingsChanged());

  const delivery = new DeliveryService({
    contacts,
    registry,
    presence,
    store,
    events,
    managers,
    settings: () => settings.current.delivery,
    senderName: () => settings.current.profile.name,
    mechanisms: () => accounts.startedIds(),
    notify: (failure) => options.notify?.(failure),
    log,
    ...(options.settleMs !== undefined && { settleMs: options.settleMs }),
  });
  managers.onChange(() => events.emit('delivery:managersChanged', managers.views()));
  registry.onChange(() => events.emit('mechanisms:changed', registry.views()));
  kinds.onChange(() => events.emit('accounts:kindsChanged', kinds.views()));
  const pluginViews = () => [...userPlugins.views(), ...userMechanisms.views()];
  const sandbox: PluginFolderOptions = { ...options.pluginSandbox, ...(options.processStarter && { starter: options.processStarter }) };
  const userPlugins = deliveryManagerFolder(
    options.userPluginDir ?? path.join(options.dataDir, 'delivery-managers'),
    managers,
    options.deliveryManagers.map((m) => m.id),
    log,
    setProblem,
    sandbox,
  );
  const userMechanisms = mechanismFolder(
    options.userMechanismDir ?? path.join(options.dataDir, 'mechanisms'),
    kinds,
    (kind) => accounts.restartKind(kind),
    log,
    setProblem,
    sandbox,
  );
  for (const folder of [userPlugins, userMechanisms]) folder.onChange(() => events.emit('plugins:changed', pluginViews()));

  // Until each part lands: a request the core cannot answer yet says so (replaced, not kept).
  const notYet = (what: string) => () => {
    throw new InvalidInputError(`${what} is not available yet.`);
  };
  const handlers: Handlers = {
    'contacts:details': notYet('A person\'s page'),
    'contacts:save': notYet('Saving a person'),
    'contacts:remove': notYet('Removing a person'),
    'contacts:merge': notYet('Merging people'),
    'contacts:suggestions': () => [],
    'contacts:acceptSuggestion': notYet('Suggestions'),
    'contacts:dismissSuggestion': notYet('Suggestions'),
    'conversations:summaries': () => [],
    'conversations:read': () => null,
    'accounts:list': notYet('The accounts list'),
    'accounts:setEnabled': notYet('Disabling an account'),
    'accounts:reconnect': notYet('Try now'),
    'delivery:settings': notYet('Delivery settings'),
    'delivery:saveSettings': notYet('Delivery settings'),
    'delivery:preview': notYet('The route preview'),
    'app:state': () => status.state(),
    'app:dismissKeychainNotice': () => status.dismissKeychainNotice(),
    'contacts:list': () => book.list(),
    'messages:list': ({ contactId, limit, before }) => store.page(contactId, limit, before),
    'messages:send': (request) => delivery.send(request),
    'messages:sendMany': ({ contactIds, ...rest }) => {
      const unknown = contactIds.filter((id) => !book.directory.get(id));
      if (unknown.length) throw new NotFoundError(`There is no contact ${unknown.join(', ')}.`);
      return Promise.all([...new Set(contactIds)].map((contactId) => delivery.send({ contactId, ...rest })));
    },
    'messages:retry': ({ messageId }) => delivery.retry(messageId),
    'messages:cancel': ({ messageId }) => delivery.cancel(messageId),
    'mechanisms:list': () => registry.views(),
    'accounts:kinds': () => kinds.views(),
    'accounts:save': ({ id, kind, values }) => accounts.save(id, kind, values),
    'accounts:remove': ({ id }) => accounts.remove(id),
    'delivery:managers': () => managers.views(),
    'plugins:list': () => pluginViews(),
    'plugins:retry': async ({ kind, folder }) => {
      await (kind === 'mechanism' ? userMechanisms : userPlugins).retry(folder);
      return pluginViews();
    },
    'delivery:prompts': () => delivery.prompts(),
    'delivery:answer': ({ promptId, send }) => (delivery.answer(promptId, send), null),
    'diagnostics:list': ({ limit }) => recentDeliveries(store, book.directory, limit),
    'strangers:list': ({ limit }) => newPeople.list(limit),
    'strangers:accept': ({ strangerId, name }) => newPeople.accept(strangerId, name),
    'strangers:ignore': ({ strangerId }) => (newPeople.ignore(strangerId), null),
  };

  return {
    events,
    handlers,
    start() {
      accounts.startAll();
      userPlugins.start().catch((error: unknown) => log.error(`delivery manager plugins: ${String(error)}`));
      userMechanisms.start().catch((error: unknown) => log.error(`mechanism plugins: ${String(error)}`));
      delivery.resume();
    },
    async stop() {
      // Deliveries first: unfinished ones stay in the outbox; then the plugins' processes; then the
      // mechanisms; then the database.
      await delivery.stop();
      await userPlugins.stop();
      await registry.stopAll();
      await userMechanisms.stop();
      presenceChanges.flush();
      newPeople.flush();
      store.flush(); // the last answers gathered for the turn's commit
      db.close();
    },
  };
}

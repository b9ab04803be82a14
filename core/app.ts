// The core of Switchboard, shared by both hosts: it makes the parts (settings, accounts, contacts,
// presence, new people, mechanisms, delivery managers, the message database) and answers the IPC
// contract's requests with them. Plain Node: it never imports Electron.
import path from 'node:path';
import type { DeliveryFailure } from '../shared/domain';
import type { DeliveryManagerPlugin } from '../shared/delivery';
import type { Logger, MechanismPlugin, MechanismStatus } from '../shared/mechanism';
import { isolate } from '../shared/bidi';
import { AccountService } from './accounts/service';
import { accountPlugin, MechanismKinds } from './accounts/kinds';
import { AppStatus } from './app-status';
import { ContactBook } from './contacts/book';
import { NewPeople } from './contacts/new-people';
import { People } from './contacts/people';
import { LinkSuggestions } from './contacts/suggestions';
import { StrangerFloodGate, StrangerInbox, StrangerStore } from './contacts/strangers';
import { DeliveryManagerStore } from './delivery/managers';
import { deliveryManagerFolder, type PluginFolderOptions } from './delivery/plugin-folder';
import { routePreview } from './delivery/route-preview';
import { DeliveryService } from './delivery/service';
import { deliverySettingsProblems, deliverySettingsView, type DeliveryFormContext } from './delivery/settings-form';
import { recentDeliveries } from './diagnostics';
import { CoreEvents } from './events';
import { InvalidInputError, NotFoundError, type Handlers } from './ipc/handlers';
import { mechanismFolder } from './mechanisms/plugin-folder';
import { MechanismRegistry } from './mechanisms/registry';
import { ArchiveCursors } from './messages/archive-cursors';
import { Inbox } from './messages/inbox';
import { ReadMarkers } from './messages/read-markers';
import { MessageStore } from './messages/store';
import { ConversationSummaries } from './messages/summaries';
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
  const cursors = new ArchiveCursors(db, (write) => store.evidence(write));
  const managers = new DeliveryManagerStore(options.deliveryManagers);

  // Some parts call others made after them (the book tells the registry, the registry tells the
  // status): only through functions, which run once every part is made, never while one is.
  const book = new ContactBook({
    settings,
    normalize: kinds.normalize,
    presenceOf: (id) => presence.presence(id),
    events,
    addressesChanged: () => registry.addressesChanged(),
    idInUse: (id) => store.hasConversation(id),
  });
  const contacts = () => book.directory;
  const presence = new PresenceService(contacts);
  const presenceChanges = new PresenceChanges(
    (id) => (book.directory.get(id) ? presence.presence(id) : undefined),
    (changes) => events.emit('contacts:presence', changes),
  );
  const strangers = new StrangerStore(db);
  const newPeople = new NewPeople(strangers, book, store, events);
  const markers = new ReadMarkers({
    db,
    inTurn: (write) => store.evidence(write),
    enabled: () => settings.current.profile.sendReadMarkers,
    send: (mechanism, address, ref) => registry.markDisplayed(mechanism, address, ref),
    readUpTo: (contactId, at) => summaries.readUpTo(contactId, at),
    log,
  });
  const inbox = new Inbox({
    markers,
    contacts,
    normalize: kinds.normalize,
    store,
    strangers,
    strangerInbox: new StrangerInbox(db, strangers, store, new StrangerFloodGate(log)),
    events,
    newPeopleChanged: () => newPeople.changed(),
  });
  const setProblem = (key: string, text: string | undefined) => status.setProblem(key, text);
  const summaries = new ConversationSummaries({
    db,
    isContact: (id) => book.directory.get(id) !== undefined,
    emit: (changed) => events.emit('conversations:changed', changed),
  });
  events.on('messages:changed', (message) => summaries.message(message));
  // An account's kind in words, for Settings: from the plugin its settings name, started or not.
  const kindName = (mechanism: string) => kinds.kindOfAccount(mechanism, settings.current.accounts[mechanism])?.displayName ?? mechanism;
  const people = new People({
    book,
    rules: {
      accounts: () => Object.keys(settings.current.accounts).map((id) => ({ id, kindName: kindName(id) })),
      normalize: (mechanism, address) => kinds.kindOfAccount(mechanism, settings.current.accounts[mechanism])?.normalizeAddress(address) ?? address.trim(),
    },
    store,
    summaries,
    strangers,
    newPeople,
  });
  const suggestions = new LinkSuggestions({
    contacts: () => book.directory.all(),
    offers: () => strangers.offeredWithName(),
    dismissed: dismissedNotices(options.dataDir, 'dismissed-suggestions.json'),
    kindName,
    emit: (list) => events.emit('contacts:suggestionsChanged', list),
  });
  events.on('contacts:changed', () => suggestions.changed());
  events.on('strangers:changed', () => suggestions.changed());

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
      lastServerId: (mechanism) => cursors.get(mechanism) ?? store.lastServerId(mechanism),
      caughtUpTo: (mechanism, serverId) => cursors.set(mechanism, serverId),
      readElsewhere(mechanism, address, ref) {
        const [contact] = book.directory.byAddress(mechanism, address);
        if (contact) markers.readElsewhere(contact.id, mechanism, ref);
      },
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
    changed: (id) => cursors.forget(id),
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
  registry.onChange(() => {
    events.emit('mechanisms:changed', registry.views());
    events.emit('accounts:changed', accounts.list());
  });
  // Accounts saved, removed, turned off or on: told once the settings hold the change (a state change
  // that follows is told by the registry's).
  let accountsTold = settings.current.accounts;
  settings.onChange(() => {
    if (settings.current.accounts === accountsTold) return;
    accountsTold = settings.current.accounts;
    events.emit('accounts:changed', accounts.list());
  });
  const kindNameOf = (id: string): string | undefined => {
    const all = settings.current.accounts;
    if (!Object.hasOwn(all, id)) return undefined;
    return kinds.kindOfAccount(id, all[id])?.displayName ?? accountPlugin(id, all[id]).plugin;
  };
  const deliveryForm = (): DeliveryFormContext => ({
    installed: managers.views(),
    accounts: Object.keys(settings.current.accounts).map((id) => ({ id, kindName: kindNameOf(id)! })),
  });
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

  const handlers: Handlers = {
    'contacts:details': ({ contactId }) => people.details(contactId),
    'contacts:save': (person) => people.save(person),
    'contacts:remove': ({ contactId }) => (people.remove(contactId), null),
    'contacts:merge': ({ into, from }) => people.merge(into, from),
    'contacts:suggestions': () => suggestions.list(),
    'contacts:acceptSuggestion': ({ suggestionId }) => {
      const { contactId, other } = suggestions.get(suggestionId);
      return other.kind === 'contact' ? people.merge(contactId, other.contactId) : people.link(contactId, other.mechanism, other.address);
    },
    'contacts:dismissSuggestion': ({ suggestionId }) => (suggestions.dismiss(suggestionId), null),
    'conversations:summaries': () => summaries.list(),
    'conversations:read': ({ contactId }) => {
      if (!book.directory.get(contactId)) throw new NotFoundError('That person is no longer in your contacts.');
      summaries.read(contactId);
      // Those who asked are told (in the background: the window need not wait for the network).
      void markers.read(contactId).catch((error: unknown) => log.warn(`read markers: ${String(error)}`));
      return null;
    },
    'accounts:list': () => accounts.list(),
    'accounts:setEnabled': ({ id, enabled }) => accounts.setEnabled(id, enabled),
    'accounts:reconnect': ({ id }) => accounts.reconnect(id),
    'delivery:settings': () => deliverySettingsView(settings.current.delivery, deliveryForm()),
    'delivery:saveSettings': (delivery) => {
      const problems = deliverySettingsProblems(delivery, deliveryForm());
      if (problems.length) throw new InvalidInputError(`The delivery settings were not saved: ${problems.join(' ')}`);
      // The next send reads them (DeliveryService takes settings.current.delivery at each message).
      settings.write({ ...settings.current, delivery });
      return deliverySettingsView(settings.current.delivery, deliveryForm());
    },
    'delivery:preview': ({ contactId, priority, expiring, manager }) => {
      const contact = book.directory.get(contactId);
      if (!contact) throw new NotFoundError(`There is no contact ${contactId}.`);
      const asked = { priority, expiring, ...(manager !== undefined && { manager }) };
      const dry = delivery.dryRun(contactId, asked);
      if (!dry.choice) throw new InvalidInputError('No delivery manager is installed, so no message can be sent.');
      return routePreview({
        name: isolate(contact.name),
        asked,
        dryRun: { ...dry, choice: dry.choice },
        rules: settings.current.delivery.rules,
        managerName: (id) => managers.get(id)?.displayName ?? id,
        kindName: kindNameOf,
        // What Settings says of the account: turned off, not started and why, or why it is still connecting.
        notConnectedBecause: (id) => accounts.list().find((a) => a.id === id && a.state !== 'active')?.reason,
      });
    },
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
    'strangers:accept': ({ strangerId, name }) => {
      const contact = newPeople.accept(strangerId, name);
      summaries.reload(contact.id); // what they wrote is now the new person's conversation
      return contact;
    },
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
      summaries.flush();
      suggestions.flush();
      store.flush(); // the last answers gathered for the turn's commit
      db.close();
    },
  };
}

// The core of Switchboard, shared by both hosts: settings, contacts, presence, mechanisms, delivery
// managers, the message database, and the request handlers of the IPC contract. Plain Node: it never
// imports Electron.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AppState, ContactView, DeliveryFailure, MechanismId } from '../shared/domain';
import type { DeliveryManagerPlugin } from '../shared/delivery';
import type { Logger, MechanismPlugin, MechanismStatus } from '../shared/mechanism';
import type { ContactSettings, Settings } from '../shared/settings';
import { isolate } from '../shared/bidi';
import { ContactDirectory } from './contacts/directory';
import { StrangerFloodGate, StrangerInbox, StrangerStore, strangerConversation } from './contacts/strangers';
import { DeliveryManagerStore } from './delivery/managers';
import { DeliveryService } from './delivery/service';
import { CoreEvents } from './events';
import { InvalidInputError, NotFoundError, type Handlers } from './ipc/handlers';
import { MechanismRegistry } from './mechanisms/registry';
import { Inbox } from './messages/inbox';
import { MessageStore } from './messages/store';
import { userPluginFolder } from './delivery/plugin-folder';
import { PresenceChanges } from './presence/changes';
import { Windowed } from './windowed';
import { PresenceService } from './presence/service';
import { accountFromForm } from './settings/account-form';
import { dismissedNotices } from './settings/dismissed';
import { hasPlainSecret, hasStoredSecret, noKeychain, sealAccount, unsealAccount, type SecretStore } from './settings/secrets';
import { loadSettings, type SettingsBackend } from './settings/store';
import { openDatabase } from './storage/database';

export interface CoreOptions {
  readonly settings: SettingsBackend;
  /** Where the message database (and the user's delivery-manager plugins) live. */
  readonly dataDir: string;
  readonly mechanisms: readonly MechanismPlugin[];
  readonly deliveryManagers: readonly DeliveryManagerPlugin[];
  readonly log: Logger;
  /** Tells the sender outside the window that a message failed (Electron: a tray notification). */
  readonly notify?: (failure: DeliveryFailure) => void;
  /** The folder power users drop delivery-manager plugins into; default <dataDir>/delivery-managers. */
  readonly userPluginDir?: string;
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

/** Accounts name their plugin with `plugin`, or by being keyed by the plugin's name. */
function accountPlugin(id: MechanismId, account: unknown): { plugin: string; account: Record<string, unknown> } {
  const record = account && typeof account === 'object' ? (account as Record<string, unknown>) : {};
  if (Object.hasOwn(record, 'plugin')) {
    const { plugin, ...rest } = record;
    return { plugin: String(plugin), account: rest };
  }
  return { plugin: id, account: record };
}

export function createCore(options: CoreOptions): Core {
  const { log } = options;
  const secrets = options.secrets ?? noKeychain;
  const events = new CoreEvents();
  const loaded = loadSettings(options.settings);
  let settings: Settings = loaded.settings;
  // A file that could not be read is never written over: contact changes then stay in memory.
  const canSave = loaded.problems.length === 0;
  const problems = new Map<string, string>(loaded.problems.map((p) => [randomUUID(), p]));
  const plugins = new Map(options.mechanisms.map((p) => [p.id, p]));
  /** The plugin of each account started (set by startAccount). */
  const mechanismPlugin = new Map<MechanismId, MechanismPlugin>();
  const normalize = (mechanism: MechanismId, address: string) => mechanismPlugin.get(mechanism)?.normalizeAddress(address) ?? address.trim();
  let contacts = new ContactDirectory(settings.contacts, normalize);
  const presence = new PresenceService(() => contacts);
  const db = openDatabase(options.dataDir);
  const store = new MessageStore(db);
  const strangers = new StrangerStore(db);
  const strangerInbox = new StrangerInbox(db, strangers, store, new StrangerFloodGate(log));
  const managers = new DeliveryManagerStore(options.deliveryManagers);

  const dismissed = dismissedNotices(options.dataDir);
  /** Without a keychain, passwords are kept in the settings file: the window says so once, if there are any. */
  const keychainNotice = () => {
    if (secrets.available || dismissed.has('keychain')) return undefined;
    const stored = Object.entries(settings.accounts).some(([id, raw]) => {
      const { plugin, account } = accountPlugin(id, raw);
      const fields = plugins.get(plugin)?.accountFields;
      return fields !== undefined && hasStoredSecret(account, fields);
    });
    return stored ? { settingsFile: options.settings.location, advice: secrets.advice ?? '' } : undefined;
  };
  const appState = (): AppState => {
    const notice = keychainNotice();
    return { problems: [...problems.values()], ...(notice && { keychainNotice: notice }) };
  };
  const contactView = (c: ContactSettings): ContactView => ({ id: c.id, name: c.name, ...presence.presence(c.id) });
  const contactList = (): ContactView[] => contacts.all().map(contactView).sort((a, b) => a.name.localeCompare(b.name));
  const contactsChanged = () => events.emit('contacts:changed', contactList());
  const strangersChanged = new Windowed(() => events.emit('strangers:changed', strangers.pending()));
  const presenceChanges = new PresenceChanges(
    (id) => (contacts.get(id) ? presence.presence(id) : undefined),
    (changes) => events.emit('contacts:presence', changes),
  );
  const inbox = new Inbox({ contacts: () => contacts, normalize, store, strangers, strangerInbox, events, newPeopleChanged: () => strangersChanged.trigger() });
  const setProblem = (key: string, text: string | undefined) => {
    const had = problems.get(key);
    if (text === undefined) problems.delete(key);
    else problems.set(key, text);
    if (had !== text) events.emit('app:changed', appState());
  };

  let delivery: DeliveryService | undefined;
  const registry = new MechanismRegistry(
    {
      status(mechanism, status: MechanismStatus) {
        const name = mechanismPlugin.get(mechanism)?.displayName ?? mechanism;
        setProblem(`mechanism:${mechanism}`, status.state === 'inactive' && status.reason !== 'removed' ? `Your ${name} account "${mechanism}" cannot connect: ${isolate(status.reason)}` : undefined);
        // A mechanism that is not connected knows nothing about anyone any more.
        if (status.state !== 'active') presenceChanges.add(presence.forgetMechanism(mechanism));
      },
      presence(mechanism, address, show, status) {
        presenceChanges.add(presence.set(mechanism, address, show, status));
      },
      incoming(mechanism, message) {
        inbox.receive(mechanism, message);
      },
      receipt(mechanism, messageId, level) {
        delivery?.receipt(mechanism, messageId, level);
      },
      suggest(mechanism, person) {
        const address = normalize(mechanism, String(person.address));
        if (contacts.byAddress(mechanism, address).length) return; // already a contact
        if (strangers.suggest(mechanism, address, person.name === undefined ? undefined : String(person.name))) strangersChanged.trigger();
      },
    },
    log,
  );

  delivery = new DeliveryService({
    contacts: () => contacts,
    registry,
    presence,
    store,
    events,
    managers,
    settings: () => settings.delivery,
    senderName: () => settings.profile.name,
    mechanisms: () => Object.keys(settings.accounts).filter((id) => mechanismPlugin.has(id)),
    notify: (failure) => options.notify?.(failure),
    log,
    ...(options.settleMs !== undefined && { settleMs: options.settleMs }),
  });
  const deliveries = delivery;
  managers.onChange(() => events.emit('delivery:managersChanged', managers.views()));
  registry.onChange(() => events.emit('mechanisms:changed', registry.views()));
  const userPlugins = userPluginFolder(
    options.userPluginDir ?? path.join(options.dataDir, 'delivery-managers'),
    managers,
    options.deliveryManagers.map((m) => m.id),
    log,
    setProblem,
  );

  /** Starts the mechanism of one account, with its secrets opened. */
  function startAccount(id: MechanismId, raw: unknown): void {
    const { plugin: pluginName, account } = accountPlugin(id, raw);
    const plugin = plugins.get(pluginName);
    if (!plugin) {
      setProblem(`account:${id}`, `The settings name an account "${id}" of kind "${pluginName}", but no such mechanism is installed.`);
      return;
    }
    let open: Record<string, unknown>;
    try {
      open = unsealAccount(account, plugin.accountFields, secrets);
    } catch (error) {
      setProblem(`account:${id}`, `Your ${plugin.displayName} account "${id}" cannot be used: ${(error as Error).message}.`);
      return;
    }
    setProblem(`account:${id}`, undefined);
    mechanismPlugin.set(id, plugin);
    contacts.reindex(id); // its addresses are now spelled as its plugin spells them
    registry.add(id, plugin, open, () => contacts.addressesOn(id));
  }

  function writeSettings(next: Settings): void {
    if (!canSave) throw new InvalidInputError(`The settings file ${options.settings.location} could not be read, so nothing is saved over it; fix it first.`);
    const noticeBefore = keychainNotice() !== undefined;
    options.settings.write(next);
    settings = next;
    // The first password saved without a keychain brings the notice; the last one removed takes it away.
    if ((keychainNotice() !== undefined) !== noticeBefore) events.emit('app:changed', appState());
  }

  /** Where the keychain exists, secrets found in clear in the file are sealed and the file rewritten. */
  function sealPlainSecrets(): void {
    if (!secrets.available || !canSave) return;
    let changed = false;
    const accounts: Record<string, unknown> = { ...settings.accounts };
    for (const [id, raw] of Object.entries(accounts)) {
      const { plugin: pluginName, account } = accountPlugin(id, raw);
      const plugin = plugins.get(pluginName);
      if (!plugin || !hasPlainSecret(account, plugin.accountFields)) continue;
      accounts[id] = { ...(raw as object), ...sealAccount(account, plugin.accountFields, secrets) };
      changed = true;
    }
    if (changed) {
      writeSettings({ ...settings, accounts });
      log.info('passwords found in clear in the settings file were sealed with the system keychain');
    }
  }

  /** Contacts are changed even when the file cannot be written: they then last until the app stops. */
  function saveContacts(next: ContactSettings[]): void {
    const changed = { ...settings, contacts: next };
    if (canSave) writeSettings(changed);
    else settings = changed;
    contacts = new ContactDirectory(next, normalize);
    contactsChanged();
    registry.addressesChanged();
  }

  const handlers: Handlers = {
    'app:state': () => appState(),
    'app:dismissKeychainNotice': () => {
      dismissed.add('keychain');
      const state = appState();
      events.emit('app:changed', state);
      return state;
    },
    'contacts:list': () => contactList(),
    'messages:list': ({ contactId, limit, before }) => store.page(contactId, limit, before),
    'messages:send': (request) => deliveries.send(request),
    'messages:sendMany': ({ contactIds, ...rest }) => {
      const unknown = contactIds.filter((id) => !contacts.get(id));
      if (unknown.length) throw new NotFoundError(`There is no contact ${unknown.join(', ')}.`);
      return Promise.all([...new Set(contactIds)].map((contactId) => deliveries.send({ contactId, ...rest })));
    },
    'messages:retry': ({ messageId }) => deliveries.retry(messageId),
    'messages:cancel': ({ messageId }) => deliveries.cancel(messageId),
    'mechanisms:list': () => registry.views(),
    'accounts:kinds': () =>
      options.mechanisms.map((p) => ({ kind: p.id, name: p.displayName, fields: p.accountFields })),
    'accounts:save': async ({ id, kind, values }) => {
      const plugin = plugins.get(kind);
      if (!plugin) throw new NotFoundError(`There is no kind of account called "${kind}".`);
      const previous = accountPlugin(id, Object.hasOwn(settings.accounts, id) ? settings.accounts[id] : undefined);
      const notSaved = (why: readonly string[]) => new InvalidInputError(`The ${plugin.displayName} account "${id}" was not saved: ${why.join('; ')}.`);
      // An empty secret keeps the saved one, unless where it would be sent changed.
      const { account, problems: refused } = accountFromForm(plugin.accountFields, values, previous.plugin === kind ? previous.account : {});
      if (refused.length) throw notSaved(refused);
      let open: Record<string, unknown>;
      try {
        open = unsealAccount(account, plugin.accountFields, secrets);
      } catch (error) {
        throw notSaved([(error as Error).message]);
      }
      const problems = plugin.validateAccount(open);
      if (problems.length) throw notSaved(problems);
      // The files it names (a CA file) are read now, so that a FIFO or a huge file is refused before it is saved.
      const unreadable = (await plugin.checkAccountFiles?.(open)) ?? [];
      if (unreadable.length) throw notSaved(unreadable);
      const stored = { plugin: kind, ...sealAccount(account, plugin.accountFields, secrets) };
      writeSettings({ ...settings, accounts: { ...settings.accounts, [id]: stored } });
      await registry.remove(id);
      startAccount(id, stored);
      return registry.views();
    },
    'accounts:remove': async ({ id }) => {
      if (!Object.hasOwn(settings.accounts, id)) throw new NotFoundError(`There is no account "${id}".`);
      const { [id]: _removed, ...accounts } = settings.accounts;
      writeSettings({ ...settings, accounts });
      await registry.remove(id);
      mechanismPlugin.delete(id);
      return registry.views();
    },
    'delivery:managers': () => managers.views(),
    'delivery:prompts': () => deliveries.prompts(),
    'delivery:answer': ({ promptId, send }) => (deliveries.answer(promptId, send), null),
    'diagnostics:list': ({ limit }) =>
      store.recentOutgoing(limit).map((message) => ({
        message,
        contactName: contacts.get(message.contactId)?.name ?? message.contactId,
        attempts: store.attempts(message.id),
      })),
    'strangers:list': ({ limit }) => strangers.pending(limit),
    'strangers:accept': ({ strangerId, name }) => {
      const stranger = strangers.get(strangerId);
      if (!stranger || stranger.ignored) throw new NotFoundError('That request is no longer open.');
      const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'contact';
      const id = contacts.get(base) ? `${base}-${randomUUID().slice(0, 8)}` : base;
      const contact: ContactSettings = { id, name, addresses: { [stranger.mechanism]: { address: stranger.address, settings: {} } } };
      saveContacts([...contacts.all(), contact]);
      store.moveContact(strangerConversation(strangerId), id);
      strangers.remove(strangerId);
      events.emit('strangers:changed', strangers.pending());
      return contactView(contact);
    },
    'strangers:ignore': ({ strangerId }) => {
      if (!strangers.get(strangerId)) throw new NotFoundError('That request is no longer open.');
      strangers.ignore(strangerId);
      store.deleteContactMessages(strangerConversation(strangerId));
      events.emit('strangers:changed', strangers.pending());
      return null;
    },
  };

  return {
    events,
    handlers,
    start() {
      sealPlainSecrets();
      for (const [id, raw] of Object.entries(settings.accounts)) startAccount(id, raw);
      userPlugins.start().catch((error: unknown) => log.error(`delivery manager plugins: ${String(error)}`));
      deliveries.resume();
    },
    async stop() {
      userPlugins.stop();
      // Deliveries first: unfinished ones stay in the outbox; then the mechanisms; then the database.
      await deliveries.stop();
      await registry.stopAll();
      presenceChanges.flush();
      strangersChanged.flush();
      store.flush(); // the last answers gathered for the turn's commit
      db.close();
    },
  };
}

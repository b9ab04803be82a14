// The user's accounts: each started as its kind's mechanism with its secrets opened, saved from the
// settings screen's form (secrets sealed by the keychain where there is one), and removed. An account
// that cannot be used is a problem the window names, and the others go on. An account can be turned
// off (kept in the settings, not connected) and connected again at once ("Try now").
import { valueAt } from '../../shared/account-fields';
import type { MechanismId, MechanismView } from '../../shared/domain';
import type { AccountView } from '../../shared/views';
import type { Logger } from '../../shared/mechanism';
import { InvalidInputError, NotFoundError } from '../ipc/handlers';
import type { MechanismRegistry } from '../mechanisms/registry';
import { accountFromForm } from '../settings/account-form';
import type { SettingsRepository } from '../settings/repository';
import { hasPlainSecret, hasStoredSecret, sealAccount, unsealAccount, type SecretStore } from '../settings/secrets';
import { accountPlugin, type MechanismKinds } from './kinds';

export interface AccountServiceOptions {
  readonly kinds: MechanismKinds;
  readonly settings: SettingsRepository;
  readonly registry: MechanismRegistry;
  readonly secrets: SecretStore;
  /** Sets or clears the problem the window shows for a key. */
  readonly setProblem: (key: string, text: string | undefined) => void;
  /** The addresses the contacts have on a mechanism, normalized (read by the mechanism when it connects). */
  readonly addressesOn: (mechanism: MechanismId) => readonly string[];
  /** An account started: its contacts' addresses are now spelled as its plugin spells them. */
  readonly started: (mechanism: MechanismId) => void;
  /** An account was saved anew or removed: it may name another server or address now (its archive position is forgotten). */
  readonly changed?: (mechanism: MechanismId) => void;
  readonly log: Logger;
}

/** What an account that is turned off says instead of a state. */
export const TURNED_OFF = 'Turned off in Settings.';

export class AccountService {
  readonly #o: AccountServiceOptions;
  /** Why an account of the settings could not be started (kind not installed, secrets that do not open). */
  readonly #notStarted = new Map<MechanismId, string>();

  constructor(options: AccountServiceOptions) {
    this.#o = options;
  }

  /** The accounts of the settings that are started (turned on, their kind installed, their secrets open). */
  startedIds(): MechanismId[] {
    return Object.keys(this.#o.settings.current.accounts).filter((id) => this.#o.kinds.of(id) !== undefined);
  }

  /** Whether the settings have this account turned on (false for one they do not have). */
  enabled(id: MechanismId): boolean {
    const accounts = this.#o.settings.current.accounts;
    return Object.hasOwn(accounts, id) && accountPlugin(id, accounts[id]).enabled;
  }

  /** Starts every account of the settings that is turned on, sealing first any password found in clear where a keychain exists. */
  startAll(): void {
    this.#sealPlainSecrets();
    for (const [id, raw] of Object.entries(this.#o.settings.current.accounts)) if (accountPlugin(id, raw).enabled) this.#start(id, raw);
  }

  /** The accounts as Settings lists them, in settings order, each with its state and the reason in words. */
  list(): AccountView[] {
    const { settings, kinds, registry } = this.#o;
    const views = new Map(registry.views().map((v) => [v.id, v]));
    return Object.entries(settings.current.accounts).map(([id, raw]) => {
      const { plugin: kind, account, enabled } = accountPlugin(id, raw);
      const plugin = kinds.kind(kind);
      const fields = plugin?.accountFields ?? [];
      const values: Record<string, string | number> = {};
      const savedSecrets: string[] = [];
      for (const field of fields) {
        const value = valueAt(account, field.key);
        if (field.kind === 'secret') {
          if (value !== undefined && value !== '') savedSecrets.push(field.key);
        } else if (typeof value === 'string' || typeof value === 'number') values[field.key] = value;
      }
      const running = views.get(id);
      const notStarted = this.#notStarted.get(id);
      const state: Pick<MechanismView, 'state' | 'reason' | 'activity'> = !enabled
        ? { state: 'inactive', reason: TURNED_OFF }
        : running
          ? { state: running.state, ...(running.reason !== undefined && { reason: running.reason }), ...(running.activity !== undefined && { activity: running.activity }) }
          : { state: 'inactive', reason: notStarted ?? 'Not started.' };
      return { id, kind, kindName: plugin?.displayName ?? kind, enabled, ...state, values, savedSecrets };
    });
  }

  /** Turns an account on (it connects at once) or off (it disconnects, and stays in the settings). */
  async setEnabled(id: MechanismId, enabled: boolean): Promise<AccountView[]> {
    const { settings, registry, kinds } = this.#o;
    const accounts = settings.current.accounts;
    if (!Object.hasOwn(accounts, id)) throw new NotFoundError(`There is no account "${id}".`);
    const raw = accounts[id];
    const record = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const { enabled: _was, ...rest } = record;
    const next = enabled ? rest : { ...rest, enabled: false };
    settings.write({ ...settings.current, accounts: { ...accounts, [id]: next } });
    await registry.remove(id);
    kinds.stopped(id);
    this.#notStarted.delete(id);
    if (enabled) this.#start(id, next);
    else this.#o.setProblem(`account:${id}`, undefined);
    return this.list();
  }

  /** Stops and starts an account's mechanism now, without waiting for its back-off. */
  async reconnect(id: MechanismId): Promise<AccountView[]> {
    const { settings, registry, kinds } = this.#o;
    const accounts = settings.current.accounts;
    if (!Object.hasOwn(accounts, id)) throw new NotFoundError(`There is no account "${id}".`);
    if (!this.enabled(id)) throw new InvalidInputError(`The account "${id}" is turned off; turn it on to connect it.`);
    await registry.remove(id);
    kinds.stopped(id);
    this.#start(id, settings.current.accounts[id]);
    return this.list();
  }

  /** Whether the settings hold any password, in clear or sealed. */
  hasStoredSecrets(): boolean {
    return Object.entries(this.#o.settings.current.accounts).some(([id, raw]) => {
      const fields = this.#o.kinds.kindOfAccount(id, raw)?.accountFields;
      return fields !== undefined && hasStoredSecret(accountPlugin(id, raw).account, fields);
    });
  }

  /** Saves an account from the form, checks it as far as can be without connecting, and (re)starts it. */
  async save(id: MechanismId, kind: string, values: Readonly<Record<string, unknown>>): Promise<MechanismView[]> {
    const { kinds, settings, secrets, registry } = this.#o;
    const plugin = kinds.kind(kind);
    if (!plugin) throw new NotFoundError(`There is no kind of account called "${kind}".`);
    const accounts = settings.current.accounts;
    const previous = accountPlugin(id, Object.hasOwn(accounts, id) ? accounts[id] : undefined);
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
    // An account turned off stays off when its settings are changed.
    const stored = { plugin: kind, ...(!previous.enabled && { enabled: false }), ...sealAccount(account, plugin.accountFields, secrets) };
    settings.write({ ...settings.current, accounts: { ...settings.current.accounts, [id]: stored } });
    await registry.remove(id);
    this.#o.changed?.(id);
    kinds.stopped(id);
    this.#notStarted.delete(id);
    if (previous.enabled) this.#start(id, stored);
    return registry.views();
  }

  /**
   * A kind was installed, or a newer version of it: its accounts are started again on it. One whose
   * start fails says so and costs only itself.
   */
  async restartKind(kind: string): Promise<void> {
    const { settings, registry } = this.#o;
    for (const [id, raw] of Object.entries(settings.current.accounts)) {
      if (accountPlugin(id, raw).plugin !== kind) continue;
      await registry.remove(id);
      this.#start(id, raw);
    }
  }

  async remove(id: MechanismId): Promise<MechanismView[]> {
    const { settings, registry, kinds } = this.#o;
    if (!Object.hasOwn(settings.current.accounts, id)) throw new NotFoundError(`There is no account "${id}".`);
    const { [id]: _removed, ...accounts } = settings.current.accounts;
    settings.write({ ...settings.current, accounts });
    await registry.remove(id);
    this.#o.changed?.(id);
    kinds.stopped(id);
    this.#notStarted.delete(id);
    return registry.views();
  }

  /** Starts the mechanism of one account, with its secrets opened. */
  #start(id: MechanismId, raw: unknown): void {
    const { kinds, secrets, setProblem, registry } = this.#o;
    const { plugin: kind, account } = accountPlugin(id, raw);
    const plugin = kinds.kind(kind);
    if (!plugin) {
      this.#notStarted.set(id, `No mechanism of kind "${kind}" is installed.`);
      setProblem(`account:${id}`, `The settings name an account "${id}" of kind "${kind}", but no such mechanism is installed.`);
      return;
    }
    let open: Record<string, unknown>;
    try {
      open = unsealAccount(account, plugin.accountFields, secrets);
    } catch (error) {
      this.#notStarted.set(id, `It cannot be used: ${(error as Error).message}.`);
      setProblem(`account:${id}`, `Your ${plugin.displayName} account "${id}" cannot be used: ${(error as Error).message}.`);
      return;
    }
    // Checked before it starts, so the window names the field as the form does; the other accounts go on.
    const wrong = plugin.validateAccount(open);
    if (wrong.length) {
      this.#notStarted.set(id, `It was not started: ${wrong.join('; ')}. Fix it in Settings.`);
      setProblem(`account:${id}`, `Your ${plugin.displayName} account "${id}" was not started: ${wrong.join('; ')}. Fix it in Settings.`);
      return;
    }
    this.#notStarted.delete(id);
    setProblem(`account:${id}`, undefined);
    kinds.started(id, plugin);
    this.#o.started(id);
    registry.add(id, plugin, open, () => this.#o.addressesOn(id));
  }

  /** Where the keychain exists, secrets found in clear in the file are sealed and the file rewritten. */
  #sealPlainSecrets(): void {
    const { kinds, settings, secrets, log } = this.#o;
    if (!secrets.available || !settings.canSave) return;
    let changed = false;
    const accounts: Record<string, unknown> = { ...settings.current.accounts };
    for (const [id, raw] of Object.entries(accounts)) {
      const { account } = accountPlugin(id, raw);
      const plugin = kinds.kindOfAccount(id, raw);
      if (!plugin || !hasPlainSecret(account, plugin.accountFields)) continue;
      accounts[id] = { ...(raw as object), ...sealAccount(account, plugin.accountFields, secrets) };
      changed = true;
    }
    if (changed) {
      settings.write({ ...settings.current, accounts });
      log.info('passwords found in clear in the settings file were sealed with the system keychain');
    }
  }
}

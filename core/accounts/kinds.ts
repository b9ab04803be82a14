// The kinds of account installed (the mechanism plugins, built in or from the user's plugin folder,
// which come and go while the app runs) and which kind each started account is. Addresses are
// normalized by the plugin of the account they are on, so that the same person is one key in the
// contact directory; an account not started yet has only its address trimmed.
import { EventEmitter } from 'node:events';
import type { AccountKindView, MechanismId } from '../../shared/domain';
import type { MechanismPlugin } from '../../shared/mechanism';

/**
 * Accounts name their plugin with `plugin`, or by being keyed by the plugin's name. `enabled: false`
 * next to it turns the account off; like `plugin` it is the core's, never passed to the plugin.
 */
export function accountPlugin(id: MechanismId, account: unknown): { plugin: string; account: Record<string, unknown>; enabled: boolean } {
  const record = account && typeof account === 'object' ? (account as Record<string, unknown>) : {};
  const { plugin, enabled, ...rest } = record;
  return { plugin: Object.hasOwn(record, 'plugin') ? String(plugin) : id, account: rest, enabled: enabled !== false };
}

export class MechanismKinds {
  readonly #installed: Map<string, MechanismPlugin>;
  /** The plugin of each account started. */
  readonly #ofAccount = new Map<MechanismId, MechanismPlugin>();
  readonly #changes = new EventEmitter();
  /** The built-in kinds, which a user's plugin cannot replace. */
  readonly builtins: readonly string[];

  constructor(plugins: readonly MechanismPlugin[]) {
    this.#installed = new Map(plugins.map((p) => [p.id, p]));
    this.builtins = plugins.map((p) => p.id);
  }

  /** A kind from the user's plugin folder, new or a newer version of one. */
  install(plugin: MechanismPlugin): void {
    if (this.builtins.includes(plugin.id)) throw new Error(`"${plugin.id}" is the name of a built-in mechanism`);
    this.#installed.set(plugin.id, plugin);
    this.#changes.emit('change');
  }

  /** A kind from the plugin folder that went; accounts started on it keep it until they are restarted. */
  uninstall(kind: string): void {
    if (this.builtins.includes(kind)) return;
    if (this.#installed.delete(kind)) this.#changes.emit('change');
  }

  onChange(listener: () => void): () => void {
    this.#changes.on('change', listener);
    return () => this.#changes.off('change', listener);
  }

  /** The installed plugin of a kind. */
  kind(kind: string): MechanismPlugin | undefined {
    return this.#installed.get(kind);
  }

  views(): AccountKindView[] {
    return [...this.#installed.values()].map((p) => ({ kind: p.id, name: p.displayName, fields: p.accountFields }));
  }

  /** The plugin an account's settings name, whether it is started or not. */
  kindOfAccount(id: MechanismId, raw: unknown): MechanismPlugin | undefined {
    return this.#installed.get(accountPlugin(id, raw).plugin);
  }

  /** The plugin of a started account. */
  of(mechanism: MechanismId): MechanismPlugin | undefined {
    return this.#ofAccount.get(mechanism);
  }

  started(mechanism: MechanismId, plugin: MechanismPlugin): void {
    this.#ofAccount.set(mechanism, plugin);
  }

  stopped(mechanism: MechanismId): void {
    this.#ofAccount.delete(mechanism);
  }

  readonly normalize = (mechanism: MechanismId, address: string): string => this.#ofAccount.get(mechanism)?.normalizeAddress(address) ?? address.trim();
}

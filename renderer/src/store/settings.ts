// The settings slice: whether Settings is open and on which page, the accounts with their state
// (also what the first-run welcome watches), the kinds of account that can be added, and the
// diagnostics of recent deliveries. This is the only part of the window that names protocols and accounts.
import type { AccountKindView, DiagnosticsEntry } from '../../../shared/domain';
import type { AccountView, UserPluginView } from '../../../shared/views';
import { api } from '../api';
import { valueOf } from './errors';
import type { Slice } from './state';

export type SettingsPage = 'accounts' | 'people' | 'delivery' | 'plugins' | 'appearance' | 'diagnostics';

export interface SettingsSlice {
  view: 'conversations' | 'settings';
  settingsPage: SettingsPage;
  accounts: readonly AccountView[];
  diagnostics: DiagnosticsEntry[];
  accountKinds: AccountKindView[];
  /** The power user's own plugins (delivery managers and mechanisms from the settings folder). */
  plugins: readonly UserPluginView[];
  retryPlugin(plugin: Pick<UserPluginView, 'kind' | 'folder'>): Promise<void>;
  openSettings(page?: SettingsPage): Promise<void>;
  closeSettings(): void;
  /** Saves an account; resolves with the reason when it was refused. */
  saveAccount(id: string, kind: string, values: Record<string, string>): Promise<string | undefined>;
  removeAccount(id: string): Promise<void>;
  setAccountEnabled(id: string, enabled: boolean): Promise<void>;
  reconnectAccount(id: string): Promise<void>;
  loadAccountKinds(): Promise<void>;
}

export const settingsSlice: Slice<SettingsSlice> = (set, get) => {
  const setError = (error: string) => set({ error });
  const accountsFrom = (result: Awaited<ReturnType<typeof api.accounts.list>>) => {
    const accounts = valueOf(result, setError);
    if (accounts) set({ accounts, error: undefined });
  };
  return {
    view: 'conversations',
    settingsPage: 'accounts',
    accounts: [],
    diagnostics: [],
    accountKinds: [],
    plugins: [],
    async retryPlugin({ kind, folder }) {
      const plugins = valueOf(await api.plugins.retry({ kind, folder }), setError);
      if (plugins) set({ plugins });
    },
    async openSettings(page) {
      set({ view: 'settings', drawerOpen: false, ...(page && { settingsPage: page }) });
      const [diagnostics, accounts, kinds] = await Promise.all([api.diagnostics.list({}), api.accounts.list({}), api.accounts.kinds({})]);
      set({ diagnostics: valueOf(diagnostics, setError) ?? [], accounts: valueOf(accounts, setError) ?? get().accounts, accountKinds: valueOf(kinds, setError) ?? [] });
    },
    closeSettings: () => set({ view: 'conversations' }),
    async saveAccount(id, kind, values) {
      const result = await api.accounts.save({ id, kind, values });
      if (!result.ok) return result.error.message;
      accountsFrom(await api.accounts.list({}));
      return undefined;
    },
    async removeAccount(id) {
      valueOf(await api.accounts.remove({ id }), setError);
      accountsFrom(await api.accounts.list({}));
    },
    async setAccountEnabled(id, enabled) {
      accountsFrom(await api.accounts.setEnabled({ id, enabled }));
    },
    async reconnectAccount(id) {
      accountsFrom(await api.accounts.reconnect({ id }));
    },
    async loadAccountKinds() {
      const kinds = valueOf(await api.accounts.kinds({}), setError);
      if (kinds) set({ accountKinds: kinds });
    },
  };
};

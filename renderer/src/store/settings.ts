// The settings slice: whether Settings is open, and what it shows (the mechanisms and their state,
// the kinds of account that can be added, the diagnostics of recent deliveries). This is the only
// part of the window that names protocols and accounts.
import type { AccountKindView, DiagnosticsEntry, MechanismView } from '../../../shared/domain';
import { api } from '../api';
import { valueOf } from './errors';
import type { Slice } from './state';

export interface SettingsSlice {
  view: 'conversations' | 'settings';
  mechanisms: MechanismView[];
  diagnostics: DiagnosticsEntry[];
  accountKinds: AccountKindView[];
  openSettings(): Promise<void>;
  closeSettings(): void;
  /** Saves an account; resolves with the reason when it was refused. */
  saveAccount(id: string, kind: string, values: Record<string, string>): Promise<string | undefined>;
}

export const settingsSlice: Slice<SettingsSlice> = (set) => {
  const setError = (error: string) => set({ error });
  return {
    view: 'conversations',
    mechanisms: [],
    diagnostics: [],
    accountKinds: [],
    async openSettings() {
      set({ view: 'settings' });
      const [diagnostics, mechanisms, kinds] = await Promise.all([api.diagnostics.list({}), api.mechanisms.list({}), api.accounts.kinds({})]);
      set({ diagnostics: valueOf(diagnostics, setError) ?? [], mechanisms: valueOf(mechanisms, setError) ?? [], accountKinds: valueOf(kinds, setError) ?? [] });
    },
    closeSettings: () => set({ view: 'conversations' }),
    async saveAccount(id, kind, values) {
      const result = await api.accounts.save({ id, kind, values });
      if (!result.ok) return result.error.message;
      set({ mechanisms: result.value });
      return undefined;
    },
  };
};

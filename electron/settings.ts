// Electron's settings backend: electron-store, in the user data folder (or SWITCHBOARD_CONFIG_DIR).
import Store from 'electron-store';
import path from 'node:path';
import type { Settings } from '../shared/settings';
import type { SettingsBackend } from '../core/settings/store';

export function electronSettingsBackend(directory: string): SettingsBackend {
  const open = () => new Store<Record<string, unknown>>({ cwd: directory, name: 'settings', clearInvalidConfig: false });
  return {
    location: path.join(directory, 'settings.json'),
    read: () => open().store,
    write: (settings: Settings) => {
      open().store = settings as unknown as Record<string, unknown>;
    },
  };
}

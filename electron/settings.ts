// Electron's settings backend: electron-store, in the user data folder (or SWITCHBOARD_CONFIG_DIR).
import Store from 'electron-store';
import path from 'node:path';
import type { SettingsBackend } from '../core/settings/store';
import { PRIVATE_FILE_MODE, privateFile, privateFolder } from '../core/storage/private-files';
import { readJsonStore } from '../core/settings/json-place';

export function electronSettingsBackend(directory: string): SettingsBackend {
  const location = path.join(directory, 'settings.json');
  // The file holds passwords where there is no keychain: the folder is 0700 and the file 0600, also
  // when an older version left them open.
  const open = () => {
    privateFolder(directory);
    privateFile(location);
    return new Store<Record<string, unknown>>({ cwd: directory, name: 'settings', clearInvalidConfig: false, configFileMode: PRIVATE_FILE_MODE });
  };
  return {
    location,
    read: () => readJsonStore(location, () => open().store),
    write: (settings: Readonly<Record<string, unknown>>) => {
      open().store = { ...settings };
    },
  };
}

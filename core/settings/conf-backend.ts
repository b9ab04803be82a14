// The browser host's settings backend: `conf`, the library under electron-store, in a folder of ours.
import Conf from 'conf';
import path from 'node:path';
import { PRIVATE_FILE_MODE, privateFile, privateFolder } from '../storage/private-files';
import type { SettingsBackend } from './store';
import { readJsonStore } from './json-place';

export function confSettingsBackend(directory: string): SettingsBackend {
  const location = path.join(directory, 'settings.json');
  // Created lazily so that a broken file is reported by read() rather than thrown at construction.
  // The file holds passwords: the folder is 0700 and the file 0600, also when an older version left them open.
  const open = () => {
    privateFolder(directory);
    privateFile(location);
    return new Conf<Record<string, unknown>>({
      cwd: directory,
      configName: 'settings',
      projectName: 'switchboard',
      clearInvalidConfig: false,
      configFileMode: PRIVATE_FILE_MODE,
    });
  };
  return {
    location,
    read: () => readJsonStore(location, () => open().store),
    write: (settings: Readonly<Record<string, unknown>>) => {
      open().store = { ...settings };
    },
  };
}

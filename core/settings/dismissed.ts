// Notices the user dismissed ("your passwords are kept in the settings file") and link suggestions
// they turned down, remembered across restarts in small files next to the settings: not in
// settings.json, which the user edits by hand and which is never written while it cannot be read.
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE, privateFolder } from '../storage/private-files';

export interface Dismissed {
  has(notice: string): boolean;
  add(notice: string): void;
}

/** What the user dismissed, kept in `<directory>/<fileName>`: one file per kind of thing dismissed. */
export function dismissedNotices(directory: string, fileName = 'dismissed-notices.json'): Dismissed {
  const file = path.join(directory, fileName);
  let names: Set<string> | undefined;
  const load = (): Set<string> => {
    if (names) return names;
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      names = new Set(Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : []);
    } catch {
      // Missing or damaged: the notices show again, which is the safe way to be wrong.
      names = new Set();
    }
    return names;
  };
  return {
    has: (notice) => load().has(notice),
    add(notice) {
      const all = load();
      if (all.has(notice)) return;
      all.add(notice);
      privateFolder(directory);
      fs.writeFileSync(file, JSON.stringify([...all]), { mode: PRIVATE_FILE_MODE });
    },
  };
}

// Notices the user dismissed ("your passwords are kept in the settings file"), remembered across
// restarts in a small file next to the settings: not in settings.json, which the user edits by hand
// and which is never written while it cannot be read.
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE, privateFolder } from '../storage/private-files';

export interface Dismissed {
  has(notice: string): boolean;
  add(notice: string): void;
}

export function dismissedNotices(directory: string): Dismissed {
  const file = path.join(directory, 'dismissed-notices.json');
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

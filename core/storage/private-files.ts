// The user's data (settings with passwords, message history, plugins that run as them) is theirs
// alone: folders are made 0700 and files 0600 whatever the umask, and ones left readable by an older
// version are closed when opened.
import fs from 'node:fs';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** chmod, where the file exists and is ours to change (a folder the user pointed us at may not be). */
function restrict(target: string, mode: number): void {
  try {
    fs.chmodSync(target, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}

/** Makes the folder (and any missing parents) readable by the user only. */
export function privateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  restrict(folder, PRIVATE_FOLDER_MODE);
}

/** Makes an existing file readable by the user only; a missing one is left for its writer to create 0600. */
export function privateFile(file: string): void {
  restrict(file, PRIVATE_FILE_MODE);
}

// Whether what Electron's safeStorage offers is a real keychain. On Linux without a secret service it
// falls back to "basic_text": it still "encrypts", but with a key written into Chromium itself, so
// anyone with the file can open it. That is no keychain, and Switchboard must not pretend it is one.
// Kept apart from secrets.ts (and free of Electron) so that it can be tested without Electron.

export interface KeychainFacts {
  readonly platform: NodeJS.Platform;
  readonly encryptionAvailable: boolean;
  /** safeStorage.getSelectedStorageBackend() on Linux; undefined where Electron has no such call. */
  readonly backend: string | undefined;
}

export function isRealKeychain({ platform, encryptionAvailable, backend }: KeychainFacts): boolean {
  if (!encryptionAvailable) return false;
  if (platform !== 'linux') return true;
  // gnome_libsecret, kwallet, kwallet5, kwallet6 ...: a keyring that keeps the key outside the file.
  return backend !== undefined && backend !== 'basic_text' && backend !== 'unknown';
}

/** What the user can do to get a keychain, where there is none. */
export function keychainAdvice(platform: NodeJS.Platform): string {
  return platform === 'linux'
    ? 'To keep them in a keychain instead, install and unlock a keyring such as GNOME Keyring or KWallet, then restart Switchboard.'
    : "To keep them in a keychain instead, unlock your system's keychain, then restart Switchboard.";
}

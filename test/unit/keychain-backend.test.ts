// Electron's safeStorage on Linux without a keyring "encrypts" with a key built into Chromium
// (backend basic_text): that is no keychain, and Switchboard must say so rather than pretend.
import { describe, expect, it } from 'vitest';
import { isRealKeychain, keychainAdvice } from '../../electron/keychain-backend';

describe('isRealKeychain', () => {
  it('refuses Chromium’s built-in key and an unknown backend on Linux', () => {
    expect(isRealKeychain({ platform: 'linux', encryptionAvailable: true, backend: 'basic_text' })).toBe(false);
    expect(isRealKeychain({ platform: 'linux', encryptionAvailable: true, backend: 'unknown' })).toBe(false);
    expect(isRealKeychain({ platform: 'linux', encryptionAvailable: true, backend: undefined })).toBe(false);
  });

  it('accepts a keyring on Linux, and the system keychain elsewhere', () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) expect(isRealKeychain({ platform: 'linux', encryptionAvailable: true, backend })).toBe(true);
    expect(isRealKeychain({ platform: 'darwin', encryptionAvailable: true, backend: undefined })).toBe(true);
    expect(isRealKeychain({ platform: 'win32', encryptionAvailable: true, backend: undefined })).toBe(true);
  });

  it('is no keychain where encryption is not available at all', () => {
    expect(isRealKeychain({ platform: 'linux', encryptionAvailable: false, backend: 'gnome_libsecret' })).toBe(false);
    expect(isRealKeychain({ platform: 'darwin', encryptionAvailable: false, backend: undefined })).toBe(false);
  });

  it('tells a Linux user how to get one', () => {
    expect(keychainAdvice('linux')).toMatch(/install and unlock a keyring such as GNOME Keyring or KWallet, then restart/);
  });
});

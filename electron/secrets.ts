// The OS keychain for Electron: safeStorage seals secrets with a key the system keeps for this user.
// Where safeStorage has only its built-in fallback key (Linux without a keyring), there is no
// keychain: secrets stay as written and the window says where they are kept.
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/settings/secrets';
import { isRealKeychain, keychainAdvice } from './keychain-backend';

export function keychain(): SecretStore {
  return {
    get available() {
      const encryptionAvailable = safeStorage.isEncryptionAvailable();
      const backend = process.platform === 'linux' && encryptionAvailable ? safeStorage.getSelectedStorageBackend?.() : undefined;
      return isRealKeychain({ platform: process.platform, encryptionAvailable, backend });
    },
    advice: keychainAdvice(process.platform),
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    unseal: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}

// The OS keychain for Electron: safeStorage seals secrets with a key the system keeps for this user.
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/settings/secrets';

export function keychain(): SecretStore {
  return {
    get available() {
      return safeStorage.isEncryptionAvailable();
    },
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    unseal: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}

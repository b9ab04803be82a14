// Secrets (passwords) in the settings file: sealed by the OS keychain where the host has one
// (Electron's safeStorage), so that the file never holds them in clear there.
import type { AccountField } from '../../shared/mechanism';
import { sealedSecret } from '../../shared/settings';

export interface SecretStore {
  /** Whether the OS keychain can seal secrets here. */
  readonly available: boolean;
  seal(plain: string): string;
  /** Throws when the secret was sealed elsewhere (another user, another machine). */
  unseal(sealed: string): string;
}

/** For hosts without a keychain (the browser host): secrets stay as the user wrote them. */
export const noKeychain: SecretStore = {
  available: false,
  seal: () => {
    throw new Error('no keychain here');
  },
  unseal: () => {
    throw new Error('this secret was sealed by a keychain that this host cannot use');
  },
};

type Account = Record<string, unknown>;
const secretKeys = (fields: readonly AccountField[]) => fields.filter((f) => f.kind === 'secret').map((f) => f.key);

/** The account as the plugin needs it: sealed secrets opened. Throws with the field's name when one cannot be. */
export function unsealAccount(account: Account, fields: readonly AccountField[], secrets: SecretStore): Account {
  const open: Account = { ...account };
  for (const key of secretKeys(fields)) {
    const value = sealedSecret.safeParse(open[key]);
    if (!value.success) continue;
    try {
      open[key] = secrets.unseal(value.data.sealed);
    } catch (error) {
      throw new Error(`its ${key} cannot be opened (${(error as Error).message}); enter it again`);
    }
  }
  return open;
}

/** The account as it goes in the file: secrets sealed when the keychain is there. */
export function sealAccount(account: Account, fields: readonly AccountField[], secrets: SecretStore): Account {
  if (!secrets.available) return account;
  const sealed: Account = { ...account };
  for (const key of secretKeys(fields)) {
    if (typeof sealed[key] === 'string' && sealed[key] !== '') sealed[key] = { sealed: secrets.seal(sealed[key] as string) };
  }
  return sealed;
}

/** Whether the file holds any of this account's secrets in clear. */
export function hasPlainSecret(account: Account, fields: readonly AccountField[]): boolean {
  return secretKeys(fields).some((key) => typeof account[key] === 'string' && account[key] !== '');
}

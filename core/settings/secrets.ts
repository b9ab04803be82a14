// Secrets (passwords) in the settings file: sealed by the OS keychain where the host has one
// (Electron's safeStorage), so that the file never holds them in clear there.
import { valueAt, withValueAt } from '../../shared/account-fields';
import type { AccountField } from '../../shared/mechanism';
import { sealedSecret } from '../../shared/settings';

export interface SecretStore {
  /** Whether the OS keychain can seal secrets here. */
  readonly available: boolean;
  /** Where there is no keychain: what the user can do to get one, as a sentence. */
  readonly advice?: string;
  seal(plain: string): string;
  /** Throws when the secret was sealed elsewhere (another user, another machine). */
  unseal(sealed: string): string;
}

/** For hosts without a keychain (the browser host): secrets stay as the user wrote them. */
export const noKeychain: SecretStore = {
  available: false,
  advice: 'To keep them in your system keychain instead, run Switchboard as the desktop app.',
  seal: () => {
    throw new Error('no keychain here');
  },
  unseal: () => {
    throw new Error('this secret was sealed by a keychain that this host cannot use');
  },
};

type Account = Record<string, unknown>;

/** The keys of the account's secrets, nested ones as dotted paths ("sasl.password"). */
export const secretKeys = (fields: readonly AccountField[]): string[] => fields.filter((f) => f.kind === 'secret').map((f) => f.key);

const isPlain = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The account as the plugin needs it: sealed secrets opened. Throws with the field's name when one cannot be. */
export function unsealAccount(account: Account, fields: readonly AccountField[], secrets: SecretStore): Account {
  let open: Account = { ...account };
  for (const field of fields.filter((f) => f.kind === 'secret')) {
    const value = sealedSecret.safeParse(valueAt(open, field.key));
    if (!value.success) continue;
    try {
      open = withValueAt(open, field.key, secrets.unseal(value.data.sealed));
    } catch (error) {
      // Named as the form names it ("its SASL password"), never by its dotted key.
      const name = field.label.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
      throw new Error(`its ${name} cannot be opened (${(error as Error).message}); enter it again`);
    }
  }
  return open;
}

/** The account as it goes in the file: secrets sealed when the keychain is there. */
export function sealAccount(account: Account, fields: readonly AccountField[], secrets: SecretStore): Account {
  if (!secrets.available) return account;
  let sealed: Account = { ...account };
  for (const key of secretKeys(fields)) {
    const value = valueAt(sealed, key);
    if (isPlain(value)) sealed = withValueAt(sealed, key, { sealed: secrets.seal(value) });
  }
  return sealed;
}

/** Whether the file holds any of this account's secrets in clear. */
export function hasPlainSecret(account: Account, fields: readonly AccountField[]): boolean {
  return secretKeys(fields).some((key) => isPlain(valueAt(account, key)));
}

/** Whether the file holds any of this account's secrets at all, in clear or sealed. */
export function hasStoredSecret(account: Account, fields: readonly AccountField[]): boolean {
  return secretKeys(fields).some((key) => {
    const value = valueAt(account, key);
    return isPlain(value) || sealedSecret.safeParse(value).success;
  });
}

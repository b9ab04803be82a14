// Turns what the settings screen sent for an account into the account to save. Secrets are never
// shown again, so one left empty keeps the saved one — but only while the fields that say where it is
// sent (server, port, user name, CA ...) are unchanged: a saved password never goes to a new server.
import { topKey, valueAt, withValueAt } from '../../shared/account-fields';
import type { AccountField } from '../../shared/mechanism';

type Account = Record<string, unknown>;

export interface AccountFromForm {
  readonly account: Account;
  /** Why the form cannot be saved as it is, naming the field by its label; empty when it can. */
  readonly problems: string[];
}

const empty = (value: unknown) => value === undefined || value === '';
const same = (a: unknown, b: unknown) => (empty(a) && empty(b)) || String(a) === String(b);

/**
 * @param values what the form sent, by field key (dotted for nested settings)
 * @param kept the account saved before under this name, of the same kind ({} when new)
 */
export function accountFromForm(fields: readonly AccountField[], values: Readonly<Record<string, unknown>>, kept: Account): AccountFromForm {
  const sent = (key: string) => (Object.hasOwn(values, key) ? values[key] : undefined);
  let account: Account = {};
  // Settings the form does not show (an XMPP resource ...) stay as they were.
  for (const [key, value] of Object.entries(kept)) {
    if (!fields.some((f) => topKey(f.key) === key)) account = withValueAt(account, key, value);
  }
  for (const field of fields) {
    const value = sent(field.key);
    if (empty(value)) continue;
    account = withValueAt(account, field.key, field.kind === 'number' && typeof value === 'string' && value.trim() !== '' ? Number(value) : value);
  }
  const moved = fields.filter((f) => f.bindsSecrets && !same(valueAt(account, f.key), valueAt(kept, f.key))).map((f) => f.label);
  const problems: string[] = [];
  for (const field of fields) {
    if (field.kind !== 'secret' || !empty(sent(field.key))) continue;
    const saved = valueAt(kept, field.key);
    if (saved === undefined) continue;
    // A nested secret (sasl.password) is kept only while the rest of its setting is still there.
    const parent = field.key.includes('.') ? field.key.slice(0, field.key.lastIndexOf('.')) : undefined;
    if (parent !== undefined && valueAt(account, parent) === undefined) continue;
    if (moved.length) {
      problems.push(`${field.label}: enter it again, because ${moved.join(', ')} changed (a saved ${field.label.toLowerCase()} is only sent where it was saved for)`);
      continue;
    }
    account = withValueAt(account, field.key, saved);
  }
  return { account, problems };
}

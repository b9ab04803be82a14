// Reading and writing an account's settings by field key, where a key may be a dotted path to a nested
// setting ("sasl.password"): the settings screen, the keychain and the plugins all name fields so.

type Account = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a field's key, or undefined; only own properties count (a key from the file is never "constructor"). */
export function valueAt(account: Account, key: string): unknown {
  let here: unknown = account;
  for (const part of key.split('.')) {
    if (!isRecord(here) || !Object.hasOwn(here, part)) return undefined;
    here = here[part];
  }
  return here;
}

/** A copy of the account with the value at a field's key set (objects on the way are copied or made). */
export function withValueAt(account: Account, key: string, value: unknown): Record<string, unknown> {
  const [first, ...rest] = key.split('.') as [string, ...string[]];
  const inner = Object.hasOwn(account, first) ? account[first] : undefined;
  const next = rest.length === 0 ? value : withValueAt(isRecord(inner) ? inner : {}, rest.join('.'), value);
  // defineProperty, not assignment: a key such as "__proto__" stays a plain own key.
  const copy: Record<string, unknown> = { ...account };
  Object.defineProperty(copy, first, { value: next, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** The top-level setting a field's key lives in ("sasl" for "sasl.password"). */
export const topKey = (key: string): string => key.split('.')[0]!;

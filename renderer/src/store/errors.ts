// The errors slice: what the window shows going wrong. Problems the core reports (a settings file,
// an account), the last request that failed, the latest delivery failure (whichever conversation is
// open, taken back if later evidence proves it wrong) and, where there is no keychain, the notice
// that passwords are kept in the settings file.
import type { ContactId, KeychainNotice } from '../../../shared/domain';
import type { Result } from '../../../shared/result';
import type { Slice } from './state';

export interface ErrorsSlice {
  problems: readonly string[];
  keychainNotice: KeychainNotice | undefined;
  /** The last thing that went wrong talking to the core, shown until the next success. */
  error: string | undefined;
  notice: { contactId: ContactId; messageId: string; text: string } | undefined;
  dismissNotice(): void;
}

export const errorsSlice: Slice<ErrorsSlice> = (set) => ({
  problems: [],
  keychainNotice: undefined,
  error: undefined,
  notice: undefined,
  dismissNotice: () => set({ notice: undefined }),
});

/** A request's value, or undefined with its error put where the window shows it. */
export function valueOf<T>(result: Result<T>, setError: (message: string) => void): T | undefined {
  if (result.ok) return result.value;
  setError(result.error.message);
  return undefined;
}

// What the window shows about the app itself: the problems to fix (a settings file that cannot be
// read, an account that cannot connect) and, where there is no keychain, the notice that passwords
// are kept in the settings file. The window is told (`app:changed`) only when what it shows changed.
import { randomUUID } from 'node:crypto';
import type { AppState } from '../shared/domain';
import type { CoreEvents } from './events';
import type { SecretStore } from './settings/secrets';
import type { Dismissed } from './settings/dismissed';

export interface AppStatusOptions {
  readonly events: CoreEvents;
  readonly secrets: SecretStore;
  readonly dismissed: Dismissed;
  /** The settings file, named in the notice. */
  readonly settingsFile: string;
  /** Whether the settings hold any password, in clear or sealed. */
  readonly hasStoredSecrets: () => boolean;
}

export class AppStatus {
  readonly #options: AppStatusOptions;
  readonly #problems = new Map<string, string>();
  /** Whether the notice is shown now: a change to it is told. */
  #noticeShown: boolean;

  constructor(options: AppStatusOptions) {
    this.#options = options;
    this.#noticeShown = this.#notice();
  }

  /** A problem that lasts as long as the app runs (one found in the settings file at start). */
  addProblem(text: string): void {
    this.#problems.set(randomUUID(), text);
  }

  /** Sets or (with undefined) clears the problem kept under a key, telling the window if it changed. */
  setProblem(key: string, text: string | undefined): void {
    const had = this.#problems.get(key);
    if (text === undefined) this.#problems.delete(key);
    else this.#problems.set(key, text);
    if (had !== text) this.#tell();
  }

  state(): AppState {
    const { secrets, settingsFile } = this.#options;
    this.#noticeShown = this.#notice();
    return { problems: [...this.#problems.values()], ...(this.#noticeShown && { keychainNotice: { settingsFile, advice: secrets.advice ?? '' } }) };
  }

  dismissKeychainNotice(): AppState {
    this.#options.dismissed.add('keychain');
    return this.#tell();
  }

  /** After the settings changed: the first password saved without a keychain brings the notice, the last one removed takes it away. */
  settingsChanged(): void {
    if (this.#notice() !== this.#noticeShown) this.#tell();
  }

  #notice(): boolean {
    const { secrets, dismissed, hasStoredSecrets } = this.#options;
    return !secrets.available && !dismissed.has('keychain') && hasStoredSecrets();
  }

  #tell(): AppState {
    const state = this.state();
    this.#options.events.emit('app:changed', state);
    return state;
  }
}

// The settings as the running app holds them: read once at start, written back whole on a change.
// A file that could not be read is never written over: contact changes then last only in memory,
// and an account change is refused with the reason, so that nothing the user wrote is lost.
// A file read with some entries skipped (a contact or rule that does not fit) is saved as usual, with
// each skipped entry written back unchanged at its place, so it is still there to be fixed.
import type { ContactSettings, Settings } from '../../shared/settings';
import { InvalidInputError } from '../ipc/handlers';
import { loadSettings, type SettingsBackend } from './store';

export class SettingsRepository {
  readonly #backend: SettingsBackend;
  #settings: Settings;
  readonly #listeners: (() => void)[] = [];
  /** What was wrong with the file at load: why it cannot be used, or which entries were skipped (empty when none), for the window. */
  readonly loadProblems: readonly string[];
  /** Whether changes go to the file: when it could be read as a whole, even with some entries skipped (they are written back as they were). */
  readonly canSave: boolean;
  readonly #withSkipped: (next: Settings) => Record<string, unknown>;

  constructor(backend: SettingsBackend) {
    this.#backend = backend;
    const loaded = loadSettings(backend);
    this.#settings = loaded.settings;
    this.loadProblems = loaded.problems;
    this.canSave = loaded.writable;
    this.#withSkipped = loaded.withSkipped;
  }

  get current(): Settings {
    return this.#settings;
  }

  /** Where the settings live, for messages to the user. */
  get location(): string {
    return this.#backend.location;
  }

  /** Called after every change, written or kept in memory. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Writes the settings; refuses, saying why, when the file is one that could not be read. */
  write(next: Settings): void {
    if (!this.canSave) throw new InvalidInputError(`The settings file ${this.location} could not be used as it is, so nothing is saved over it; fix it first.`);
    this.#backend.write(this.#withSkipped(next));
    this.#settings = next;
    this.#changed();
  }

  /** Contacts are changed even when the file cannot be written: they then last until the app stops. */
  writeContacts(contacts: readonly ContactSettings[]): void {
    const next = { ...this.#settings, contacts: [...contacts] };
    if (this.canSave) return this.write(next);
    this.#settings = next;
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

// Settings behind one interface: electron-store in Electron, conf in the browser host. Loading never
// throws and never overwrites a file it could not read: a broken file becomes a problem to show, with
// the line and column where it is not JSON; one bad entry is skipped, named, and the rest load.
import { settingsSchema, type Settings } from '../../shared/settings';
import { readEntries } from './entries';
import { NotJsonError } from './json-place';

export interface SettingsBackend {
  /** Where the settings live, for messages to the user. */
  readonly location: string;
  /** The raw stored object; throws when the file cannot be read or parsed (a NotJsonError for the latter). */
  read(): unknown;
  /** Writes the settings whole: a Settings, plus any entries skipped at load put back as they were. */
  write(settings: Readonly<Record<string, unknown>>): void;
}

export interface LoadedSettings {
  readonly settings: Settings;
  readonly problems: string[];
  /** Whether the file could be used as a whole (some entries may still have been skipped); if not, it is never written over. */
  readonly writable: boolean;
  /** The settings as to be written: with the entries skipped at load put back unchanged. */
  readonly withSkipped: (next: Settings) => Record<string, unknown>;
}

const empty: Settings = settingsSchema.parse({});
const meanwhile = 'Fix it or remove it; Switchboard starts with no settings meanwhile and does not write over it.';

function unusable(problem: string): LoadedSettings {
  return { settings: empty, problems: [problem], writable: false, withSkipped: (next) => ({ ...next }) };
}

export function loadSettings(backend: SettingsBackend): LoadedSettings {
  let raw: unknown;
  try {
    raw = backend.read();
  } catch (error) {
    if (error instanceof NotJsonError) {
      return unusable(`The settings file ${backend.location} is not valid JSON at line ${error.line}, column ${error.column} (${error.reason}). ${meanwhile}`);
    }
    const why = error instanceof Error ? error.message : String(error);
    return unusable(`The settings file ${backend.location} could not be read (${why}). ${meanwhile}`);
  }
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return unusable(`The settings file ${backend.location} does not hold settings: it should be one group { … }. ${meanwhile}`);
  }
  const read = readEntries(raw as Record<string, unknown>);
  return { settings: read.settings, problems: read.problems, writable: read.writable, withSkipped: read.withSkipped };
}

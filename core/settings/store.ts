// Settings behind one interface: electron-store in Electron, conf in the browser host. Loading never
// throws and never overwrites a file it could not read: a broken file becomes a problem to show.
import { settingsSchema, describeIssues, type Settings } from '../../shared/settings';

export interface SettingsBackend {
  /** Where the settings live, for messages to the user. */
  readonly location: string;
  /** The raw stored object; throws when the file cannot be read or parsed. */
  read(): unknown;
  write(settings: Settings): void;
}

export interface LoadedSettings {
  readonly settings: Settings;
  readonly problems: string[];
}

const empty: Settings = settingsSchema.parse({});

export function loadSettings(backend: SettingsBackend): LoadedSettings {
  let raw: unknown;
  try {
    raw = backend.read();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { settings: empty, problems: [`The settings file ${backend.location} could not be read (${why}). It was left as it is; fix it and restart.`] };
  }
  const parsed = settingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return { settings: empty, problems: [`The settings file ${backend.location} is not valid: ${describeIssues(parsed.error)}. It was left as it is; fix it and restart.`] };
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const contact of parsed.data.contacts) {
    if (seen.has(contact.id)) problems.push(`Two contacts share the id "${contact.id}" in ${backend.location}; only the first is used.`);
    seen.add(contact.id);
  }
  const contacts = parsed.data.contacts.filter((c, i, all) => all.findIndex((o) => o.id === c.id) === i);
  return { settings: { ...parsed.data, contacts }, problems };
}

// Reads the settings file entry by entry: a contact, a rule, a delivery configuration or a setting that
// does not fit is skipped with a sentence naming it, and the rest load. What was skipped is kept as it
// was in the file and put back on every write, so that saving never loses what the user wrote. A whole
// section of the wrong kind (contacts that are not a list ...) has no entries to keep apart: the file is
// then not written over at all, as when it is not JSON.
import type { z } from 'zod';
import { issuesInWords, keyNamer, ordinal, type FieldNamer } from '../../shared/issue-words';
import { configurationSettings, contactSettings, deliverySettings, ruleSettings, settingsSchema, type ContactSettings, type RuleSettings, type Settings } from '../../shared/settings';

type Plain = Record<string, unknown>;

export interface ReadSettings {
  readonly settings: Settings;
  /** One sentence for each entry skipped, saying which and why. */
  readonly problems: string[];
  /** False when a whole section was of the wrong kind: the file must not be written over. */
  readonly writable: boolean;
  /** `next` (the settings as loaded, then changed) as it is to be written: with the skipped entries put back. */
  readonly withSkipped: (next: Settings) => Plain;
}

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with a value, in words, the fields named as `nameOf` says. */
function wrong(schema: z.ZodType, value: unknown, nameOf: FieldNamer): string | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : issuesInWords(parsed.error.issues, nameOf, { value }).join('; ');
}

const contactNamer: FieldNamer = (path) => {
  const [first, second] = path;
  if (first === undefined) return 'it';
  if (first === 'addresses' && second !== undefined) return `its address on "${String(second)}"`;
  if (path.length === 1 && (first === 'id' || first === 'name' || first === 'addresses')) return `its ${first}`;
  return keyNamer(path);
};

const ruleNamer: FieldNamer = (path) => (path.length === 0 ? 'it' : path.length === 1 ? `its "${String(path[0])}"` : keyNamer(path));

const stepsNamer: FieldNamer = (path) => {
  const [index, ...rest] = path;
  if (typeof index !== 'number') return path.length === 0 ? 'it' : keyNamer(path);
  const step = `its ${ordinal(index + 1)} step`;
  const key = rest.findLast((p) => typeof p === 'string');
  return key === undefined ? step : `"${String(key)}" in ${step}`;
};

const itNamer: FieldNamer = (path) => (path.length === 0 ? 'it' : keyNamer(path));

/** How a contact is named in a problem: its name, else its id, else by its place alone. */
function contactLabel(raw: unknown, index: number): string {
  const place = `the ${ordinal(index + 1)} in the file`;
  const record = isPlain(raw) ? raw : {};
  const name = typeof record.name === 'string' && record.name.trim() ? record.name.trim() : typeof record.id === 'string' && record.id ? record.id : undefined;
  return name === undefined ? `A contact (${place})` : `The contact "${name.slice(0, 80)}" (${place})`;
}

const kept = 'It is kept in the file as it is; fix it there and restart.';
const untouched = 'Fix it in the file and restart; until then nothing is saved over the file.';

/** Puts skipped list entries back at their places in the list as it is now. */
function withEntries(list: readonly unknown[], skipped: readonly { index: number; raw: unknown }[]): unknown[] {
  const out = [...list];
  for (const { index, raw } of skipped) out.splice(Math.min(index, out.length), 0, raw);
  return out;
}

/** Reads a raw settings object (already known to be an object). */
export function readEntries(raw: Plain): ReadSettings {
  const problems: string[] = [];
  const loaded: Settings = { profile: { sendReadMarkers: true }, accounts: {}, contacts: [], delivery: { managers: {}, rules: [], waitNoticeMinutes: 10 } };
  /** Runs on the plain copy being written, putting back what was skipped. */
  const restores: ((out: Plain, next: Settings) => void)[] = [];
  const state = { writable: true };
  const wrongKind = (sentence: string) => {
    problems.push(`${sentence} ${untouched}`);
    state.writable = false;
  };

  for (const key of Object.keys(raw)) {
    if (Object.hasOwn(settingsSchema.shape, key)) continue;
    problems.push(`The settings file has "${key}", which is not a setting Switchboard knows (misspelled?); it is ignored and kept in the file.`);
    restores.push((out) => {
      if (!Object.hasOwn(out, key)) out[key] = raw[key];
    });
  }

  if (raw.profile !== undefined) {
    const why = wrong(settingsSchema.shape.profile, raw.profile, keyNamer);
    if (why) {
      problems.push(`Your name in the settings ("profile") was not used: ${why}. ${kept}`);
      // Put back while the profile is the one loaded: a name set since is the user's.
      restores.push((out, next) => {
        if (next.profile === loaded.profile) out.profile = raw.profile;
      });
    } else loaded.profile = settingsSchema.shape.profile.parse(raw.profile);
  }

  if (raw.accounts !== undefined) {
    if (!isPlain(raw.accounts)) wrongKind('The accounts in the settings file are not a group { "name": { … } }, so none was started.');
    else {
      const accounts: Plain = {};
      for (const [id, account] of Object.entries(raw.accounts)) {
        if (id === '') {
          problems.push(`An account without a name in the settings file was skipped. ${kept}`);
          restores.push((out) => {
            if (isPlain(out.accounts) && !Object.hasOwn(out.accounts, '')) out.accounts = { ...out.accounts, '': account };
          });
        } else accounts[id] = account;
      }
      loaded.accounts = accounts;
    }
  }

  if (raw.contacts !== undefined) {
    if (!Array.isArray(raw.contacts)) wrongKind('The contacts in the settings file are not a list [ … ], so none was loaded.');
    else {
      const contacts: ContactSettings[] = [];
      const skipped: { index: number; raw: unknown }[] = [];
      const firstWithId = new Map<string, number>();
      raw.contacts.forEach((entry: unknown, index) => {
        const parsed = contactSettings.safeParse(entry);
        let why: string | undefined;
        if (!parsed.success) why = issuesInWords(parsed.error.issues, contactNamer, { value: entry }).join('; ');
        else if (firstWithId.has(parsed.data.id)) why = `it has the same id "${parsed.data.id}" as the ${ordinal(firstWithId.get(parsed.data.id)! + 1)}, and ids must differ`;
        if (why !== undefined || !parsed.success) {
          problems.push(`${contactLabel(entry, index)} was skipped: ${why}. ${kept}`);
          skipped.push({ index, raw: entry });
          return;
        }
        firstWithId.set(parsed.data.id, index);
        contacts.push(parsed.data);
      });
      loaded.contacts = contacts;
      if (skipped.length) restores.push((out) => void (out.contacts = withEntries(Array.isArray(out.contacts) ? out.contacts : [], skipped)));
    }
  }

  if (raw.delivery !== undefined) {
    if (!isPlain(raw.delivery)) wrongKind('The delivery settings are not a group { … }, so the defaults are used.');
    else loaded.delivery = readDelivery(raw.delivery, problems, restores, wrongKind, () => loaded.delivery);
  }

  return {
    settings: loaded,
    problems,
    writable: state.writable,
    withSkipped: (next) => {
      const out: Plain = { ...next };
      for (const restore of restores) restore(out, next);
      return out;
    },
  };
}

/** The delivery section, each manager's configuration and each rule on its own. */
function readDelivery(
  raw: Plain,
  problems: string[],
  restores: ((out: Plain, next: Settings) => void)[],
  wrongKind: (sentence: string) => void,
  loaded: () => Settings['delivery'],
): Settings['delivery'] {
  const delivery: Settings['delivery'] = { managers: {}, rules: [], waitNoticeMinutes: 10 };
  const inDelivery = (out: Plain, put: (d: Plain) => void) => {
    const d: Plain = isPlain(out.delivery) ? { ...out.delivery } : {};
    put(d);
    out.delivery = d;
  };
  for (const key of Object.keys(raw)) {
    if (Object.hasOwn(deliverySettings.shape, key)) continue;
    problems.push(`The delivery settings have "${key}", which is not a setting Switchboard knows (misspelled?); it is ignored and kept in the file.`);
    restores.push((out) => inDelivery(out, (d) => void (Object.hasOwn(d, key) || (d[key] = raw[key]))));
  }

  if (raw.waitNoticeMinutes !== undefined) {
    const why = wrong(deliverySettings.shape.waitNoticeMinutes, raw.waitNoticeMinutes, itNamer);
    if (why) {
      problems.push(`The wait before a message still waiting is told ("waitNoticeMinutes") was not used: ${why}; 10 minutes is used. ${kept}`);
      restores.push((out, next) => {
        if (next.delivery === loaded()) inDelivery(out, (d) => void (d.waitNoticeMinutes = raw.waitNoticeMinutes));
      });
    } else delivery.waitNoticeMinutes = deliverySettings.shape.waitNoticeMinutes.parse(raw.waitNoticeMinutes);
  }

  if (raw.managers !== undefined) {
    if (!isPlain(raw.managers)) {
      wrongKind("The delivery managers' configurations are not a group { … }, so none was loaded.");
    } else {
      for (const [manager, entry] of Object.entries(raw.managers)) {
        const configurations = isPlain(entry) ? entry.configurations : undefined;
        const extra = isPlain(entry) ? Object.keys(entry).filter((k) => k !== 'configurations') : [];
        if (manager === '' || !isPlain(entry) || extra.length || (configurations !== undefined && !isPlain(configurations))) {
          const why = manager === '' ? 'it has no name' : extra.length ? `"${extra[0]}" is not a setting Switchboard knows (misspelled?)` : 'it is not a group { "configurations": { … } }';
          problems.push(`The delivery manager "${manager}" in the settings was skipped: ${why}. ${kept}`);
          restores.push((out) =>
            inDelivery(out, (d) => {
              const managers: Plain = isPlain(d.managers) ? { ...d.managers } : {};
              if (!Object.hasOwn(managers, manager)) managers[manager] = entry;
              d.managers = managers;
            }),
          );
          continue;
        }
        const good: Record<string, z.output<typeof configurationSettings>> = {};
        for (const [name, steps] of Object.entries(isPlain(configurations) ? configurations : {})) {
          const parsed = configurationSettings.safeParse(steps);
          if (parsed.success && name !== '') {
            good[name] = parsed.data;
            continue;
          }
          const why = name === '' ? 'it has no name' : issuesInWords(parsed.error!.issues, stepsNamer, { value: steps }).join('; ');
          problems.push(`The configuration "${name}" of the delivery manager "${manager}" was skipped: ${why}. ${kept}`);
          restores.push((out) =>
            inDelivery(out, (d) => {
              const managers: Plain = isPlain(d.managers) ? { ...d.managers } : {};
              const m: Plain = isPlain(managers[manager]) ? { ...(managers[manager] as Plain) } : {};
              const c: Plain = isPlain(m.configurations) ? { ...m.configurations } : {};
              if (!Object.hasOwn(c, name)) c[name] = steps;
              managers[manager] = { ...m, configurations: c };
              d.managers = managers;
            }),
          );
        }
        delivery.managers[manager] = { configurations: good };
      }
    }
  }

  if (raw.rules !== undefined) {
    if (!Array.isArray(raw.rules)) {
      wrongKind('The delivery rules are not a list [ … ], so none was loaded.');
    } else {
      const rules: RuleSettings[] = [];
      const skipped: { index: number; raw: unknown }[] = [];
      raw.rules.forEach((rule: unknown, index) => {
        const parsed = ruleSettings.safeParse(rule);
        if (parsed.success) return void rules.push(parsed.data);
        const manager = isPlain(rule) && typeof rule.manager === 'string' && rule.manager ? ` (for "${rule.manager.slice(0, 80)}")` : '';
        problems.push(`The ${ordinal(index + 1)} delivery rule${manager} was skipped: ${issuesInWords(parsed.error.issues, ruleNamer, { value: rule }).join('; ')}. ${kept}`);
        skipped.push({ index, raw: rule });
      });
      delivery.rules = rules;
      // Rules are tried in order, so a skipped one goes back to its place.
      if (skipped.length) restores.push((out) => inDelivery(out, (d) => void (d.rules = withEntries(Array.isArray(d.rules) ? d.rules : [], skipped))));
    }
  }
  return delivery;
}

// Turns what zod found wrong with a value into words a person can act on: "Address (name@server) is
// missing", "its name is empty", never "jid: Invalid input: expected string, received undefined".
// Whoever knows what the fields are called (an account's labels, the settings file's entries) names
// them; otherwise a field is named by its own key in quotes.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
export type IssuePath = readonly PropertyKey[];

/** Names the field at a path, relative to the value checked ("its name", "Address (name@server)"). */
export type FieldNamer = (path: IssuePath) => string;

const ordinalSuffix = (n: number) => (n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'));
/** 1 → "1st", 2 → "2nd", 11 → "11th". */
export const ordinal = (n: number): string => `${n}${ordinalSuffix(n)}`;

/** The default: the last key in quotes, with the entries of lists on the way ("the 2nd entry of "steps""). */
export const keyNamer: FieldNamer = (path) => {
  if (path.length === 0) return 'the value';
  const last = path[path.length - 1]!;
  if (typeof last === 'number') {
    const parent = path.slice(0, -1).findLast((p) => typeof p === 'string');
    return parent === undefined ? `the ${ordinal(last + 1)} entry` : `the ${ordinal(last + 1)} entry of "${String(parent)}"`;
  }
  return `"${String(last)}"`;
};

const expectedWords: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list [ … ]',
  object: 'a group of settings { … }',
  record: 'a group of settings { … }',
};

/** zod's own messages; any other message was written by the schema's author, in words, and is kept. */
const zodDefault = /^(Invalid|Too (small|big)|Unrecognized key)/;

const sizeOf = (issue: { origin?: string }, n: number | bigint) => {
  if (issue.origin === 'string') return `${n} character${n === 1 ? '' : 's'}`;
  if (issue.origin === 'array' || issue.origin === 'set') return `${n} entr${n === 1 ? 'y' : 'ies'}`;
  return String(n);
};

const valueWords = (v: unknown) => (typeof v === 'string' ? `"${v}"` : String(v));
const oneOf = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);

/** What a value that fails at this level should have been, for the branches of a union. */
function expectation(issue: Issue): string[] {
  if (issue.code === 'invalid_type') return [expectedWords[issue.expected] ?? issue.expected];
  if (issue.code === 'invalid_value') return issue.values.map(valueWords);
  return [];
}

/**
 * One issue in words. `missing` says whether the input had nothing at the issue's path (zod does not
 * keep the input in its issues); without it, zod's message is asked.
 */
export function issueWords(issue: Issue, nameOf: FieldNamer = keyNamer, missing?: (path: IssuePath) => boolean, at: IssuePath = []): string {
  const path = [...at, ...issue.path];
  const field = nameOf(path);
  if (!zodDefault.test(issue.message)) {
    // The schema's author wrote it: a sentence stands alone, a phrase ("is missing") follows the field.
    return /^[A-Z]/.test(issue.message) ? issue.message : `${field} ${issue.message}`;
  }
  switch (issue.code) {
    case 'invalid_type': {
      const absent = missing ? missing(path) : / received undefined$/.test(issue.message);
      return absent ? `${field} is missing` : `${field} should be ${expectedWords[issue.expected] ?? issue.expected}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return `${field} is empty`;
      if (issue.origin === 'array' && Number(issue.minimum) <= 1) return `${field} has no entries`;
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set') return `${field} needs at least ${sizeOf(issue, issue.minimum)}`;
      return `${field} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set') return `${field} is longer than ${sizeOf(issue, issue.maximum)}`;
      return `${field} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    case 'invalid_value':
      return `${field} must be ${oneOf(issue.values.map(valueWords))}`;
    case 'invalid_format':
      return `${field} is not ${issue.format === 'email' ? 'an e-mail address' : issue.format === 'url' ? 'a web address' : `in the right form (${issue.format})`}`;
    case 'not_multiple_of':
      return `${field} must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      const where = path.length ? ` in ${field}` : '';
      return `${issue.keys.length === 1 ? `${keys} is not a setting` : `${keys} are not settings`} Switchboard knows${where} (misspelled?)`;
    }
    case 'invalid_key':
      return `${nameOf(path.slice(0, -1))} has a name that cannot be used ("${String(path.at(-1))}")`;
    case 'invalid_element':
      return `${field} is not right`;
    case 'invalid_union': {
      // A branch whose kind of value matched (text that is empty, an object with a bad setting) is what
      // the user meant: say what is wrong in it.
      const typeMiss = (i: Issue) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
      const deeper = issue.errors.filter((branch) => branch.length > 0 && !branch.some(typeMiss));
      if (deeper.length === 1) return deeper[0]!.map((i) => issueWords(i, nameOf, missing, path)).join('; ');
      const wanted = [...new Set(issue.errors.flatMap((branch) => branch.flatMap(expectation)))];
      if (missing ? missing(path) : false) return `${field} is missing`;
      return wanted.length ? `${field} must be ${oneOf(wanted)}` : `${field} is not in a form Switchboard understands`;
    }
    default:
      return `${field} is not right`;
  }
}

/** The value at a path of a parsed-from-JSON value, for telling "missing" from "wrong". */
export function valueAtPath(value: unknown, path: IssuePath): unknown {
  let here = value;
  for (const key of path) {
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, key)) return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}

/** Every issue of a zod error in words, each once; `input` (the value checked) tells missing from wrong. */
export function issuesInWords(issues: readonly Issue[], nameOf: FieldNamer = keyNamer, input?: { value: unknown }): string[] {
  const missing = input ? (path: IssuePath) => valueAtPath(input.value, path) === undefined : undefined;
  return [...new Set(issues.map((issue) => issueWords(issue, nameOf, missing)))];
}

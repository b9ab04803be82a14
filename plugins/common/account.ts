// Helpers every mechanism plugin uses on its account settings: checking them against the plugin's
// schema with an error that names the field, and reading the CA file a private server needs.
import fs from 'node:fs';
import type { z } from 'zod';
import { describeIssues } from '../../shared/settings';

/** The account as the schema makes it; throws "the account settings are not valid: <field>: <why>". */
export function parseAccount<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`the account settings are not valid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The PEM of the CA file, or undefined when none is set (the system's CAs are used). */
export function readCaFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`the CA file ${file} cannot be read (${(error as Error).message})`);
  }
}

// Helpers every mechanism plugin uses on its account settings: checking them against the plugin's
// schema with an error that names the field, and reading the files an account names (the CA file a
// private server needs) without ever blocking the app on a FIFO, a device or a huge file.
import fs from 'node:fs';
import type { z } from 'zod';
import { valueAt } from '../../shared/account-fields';
import type { AccountField } from '../../shared/mechanism';
import { keyNamer, type FieldNamer } from '../../shared/issue-words';
import { describeIssues } from '../../shared/settings';

/** A CA bundle is a few hundred kB at most; anything bigger is not what the user meant to name. */
export const MAX_ACCOUNT_FILE_BYTES = 1024 * 1024;

/**
 * The account as the schema makes it; throws "the account settings are not valid: <field> <why>", each
 * field named by its label when `fields` are given (by its key in quotes otherwise).
 */
export function parseAccount<S extends z.ZodType>(schema: S, raw: unknown, fields: readonly AccountField[] = []): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`the account settings are not valid: ${describeIssues(parsed.error, fieldNamer(fields), { value: raw })}`);
  return parsed.data;
}

/** Names an account's field by its label ("Address (name@server)"); a setting without one by its key. */
export function fieldNamer(fields: readonly AccountField[]): FieldNamer {
  return (path) => {
    if (path.length === 0) return 'the account';
    const key = path.join('.');
    const field = fields.find((f) => f.key === key);
    return field ? field.label : keyNamer(path);
  };
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'there is no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error).message;
}

/**
 * The text of a file an account names, read asynchronously. It must be a regular file of at most 1 MB:
 * it is opened non-blocking (a FIFO cannot hold the open) and checked on the open handle before a byte
 * is read. Throws "<field>: <file> is not a regular file ..." and the like, `field` being the label the form shows.
 */
export async function readAccountFile(field: string, file: string): Promise<string> {
  let handle: fs.promises.FileHandle;
  try {
    // O_NONBLOCK does not exist on Windows, where a path cannot name a FIFO this way anyway.
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new Error(`${field}: ${file} cannot be read (${why(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${field}: ${file} is not a regular file (it is ${kindOf(stat)}); name a PEM certificate file`);
    if (stat.size > MAX_ACCOUNT_FILE_BYTES) throw new Error(`${field}: ${file} is larger than 1 MB; name a PEM certificate file`);
    // Read at most one byte more than allowed, in case the file grows after the check.
    const buffer = Buffer.alloc(MAX_ACCOUNT_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_ACCOUNT_FILE_BYTES) throw new Error(`${field}: ${file} is larger than 1 MB; name a PEM certificate file`);
    }
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(`${field}: `)) throw error;
    throw new Error(`${field}: ${file} cannot be read (${why(error)})`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The PEM of the CA file, or undefined when none is set (the system's CAs are used). */
export async function readCaFile(file: string | undefined, field = 'CA certificate file'): Promise<string | undefined> {
  return file ? readAccountFile(field, file) : undefined;
}

/** The problems reading each file the account names (its fields marked `file`); none when all can be read. */
export async function checkAccountFiles(account: unknown, fields: readonly AccountField[]): Promise<string[]> {
  const record = account && typeof account === 'object' ? (account as Record<string, unknown>) : {};
  const problems: string[] = [];
  for (const field of fields) {
    const file = field.file ? valueAt(record, field.key) : undefined;
    if (typeof file !== 'string' || file === '') continue;
    await readAccountFile(field.label, file).catch((error: unknown) => problems.push((error as Error).message));
  }
  return problems;
}

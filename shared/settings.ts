// The settings file's shape, validated at load. Until the settings screens exist this is what a user
// edits by hand (see the README); mechanism accounts are validated by their own plugin.
import { z } from 'zod';

export const contactSettings = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  /** One address per mechanism id, e.g. { "xmpp": "alice@example.org" }. */
  addresses: z.record(z.string().min(1), z.string().trim().min(1).max(500)).default({}),
});

export const deliverySettings = z.strictObject({
  /** The delivery manager to use; "sequential" for now. */
  manager: z.string().min(1).default('sequential'),
  /** Named configurations: the mechanisms in order. "Normal" is used unless a message says otherwise. */
  configurations: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
});

export const settingsSchema = z.strictObject({
  accounts: z.record(z.string().min(1), z.unknown()).default({}),
  contacts: z.array(contactSettings).default([]),
  delivery: deliverySettings.default({ manager: 'sequential', configurations: {} }),
});

export type ContactSettings = z.output<typeof contactSettings>;
export type Settings = z.output<typeof settingsSchema>;

/** Turns a zod error into one line a person can act on, naming the place in the file. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ');
}

// The settings file's shape, validated at load. Until the settings screens exist this is what a user
// edits by hand (see the README); mechanism accounts are validated by their own plugin.
import { z } from 'zod';
import { priorities } from './domain';
import { issuesInWords, type FieldNamer } from './issue-words';

/** An address on one mechanism: a string, or an object with mechanism-specific settings. */
const address = z
  .union([
    z.string().trim().min(1).max(500),
    z.strictObject({ address: z.string().trim().min(1).max(500), settings: z.record(z.string(), z.unknown()).default({}) }),
  ])
  .transform((a) => (typeof a === 'string' ? { address: a, settings: {} as Record<string, unknown> } : a));

export const contactSettings = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  /** One address per mechanism id, e.g. { "im1": "alice@example.org", "pager": { "address": "+15551234" } }. */
  addresses: z.record(z.string().min(1), address).default({}),
});

const verification = z.union([
  z.literal('accepted'),
  z.literal('available'),
  z.strictObject({ receiptWithinSeconds: z.number().positive().max(86_400) }),
]);

/** A step: a mechanism id, or an object saying how to run it. */
export const stepSettings = z
  .union([
    z.string().min(1),
    z.strictObject({
      mechanism: z.string().min(1),
      parallelWithNext: z.boolean().default(false),
      verify: verification.default('accepted'),
      ask: z.boolean().default(false),
    }),
  ])
  .transform((s) => (typeof s === 'string' ? { mechanism: s, parallelWithNext: false, verify: 'accepted' as const, ask: false } : s));

/** A named configuration of a delivery manager: its steps, in order. */
export const configurationSettings = z.array(stepSettings);

/** A rule picks a manager and configuration from a message's properties; the first that matches wins. */
export const ruleSettings = z.strictObject({
  priority: z.enum(priorities).optional(),
  expiring: z.boolean().optional(),
  manager: z.string().min(1),
  configuration: z.string().min(1).optional(),
});

export const deliverySettings = z.strictObject({
  /** Per delivery manager, its named configurations ("Normal", "Urgent" ...), each a list of steps. */
  managers: z.record(z.string().min(1), z.strictObject({ configurations: z.record(z.string().min(1), configurationSettings).default({}) })).default({}),
  rules: z.array(ruleSettings).default([]),
  /** After how long a message without expiry that is still waiting for a way tells the sender (once). */
  waitNoticeMinutes: z.number().positive().max(60 * 24 * 7).default(10),
});

export const settingsSchema = z.strictObject({
  /** You: the name pages and e-mails say they come from, and whether people are told that you read them. */
  profile: z
    .strictObject({
      name: z.string().trim().min(1).max(100).optional(),
      /**
       * Reading a conversation tells the sender (and your other devices) that you saw it, where they
       * asked to know (XMPP chat markers); on by default, as in Conversations.
       */
      sendReadMarkers: z.boolean().default(true),
    })
    .default({ sendReadMarkers: true }),
  /** Per mechanism id, its account; `plugin` names the mechanism plugin when the id is not its name. */
  accounts: z.record(z.string().min(1), z.unknown()).default({}),
  contacts: z.array(contactSettings).default([]),
  delivery: deliverySettings.default({ managers: {}, rules: [], waitNoticeMinutes: 10 }),
});

export type ContactSettings = z.output<typeof contactSettings>;
export type ContactAddress = ContactSettings['addresses'][string];
export type Settings = z.output<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
export type RuleSettings = z.output<typeof ruleSettings>;

/** A secret as stored in the settings file once the OS keychain has sealed it. */
export const sealedSecret = z.strictObject({ sealed: z.string().min(1) });
export type SealedSecret = z.output<typeof sealedSecret>;

/** Lists a schema's problems with a value, one sentence each naming the field as `nameOf` says; none when the value is good. */
export function problemsWith(schema: z.ZodType, value: unknown, nameOf?: FieldNamer): string[] {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : issuesInWords(parsed.error.issues, nameOf, { value });
}

/** Turns a zod error into one line in words, naming each field as `nameOf` says (by its key otherwise). */
export function describeIssues(error: z.ZodError, nameOf?: FieldNamer, input?: { value: unknown }): string {
  return issuesInWords(error.issues, nameOf, input).join('; ');
}

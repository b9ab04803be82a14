// The messages between the core and a sandboxed mechanism plugin's process
// (core/plugin-host/sandbox/mechanism.mjs), beside those every sandbox speaks (core/plugin-host/plugin-process.ts).
// The core makes calls (validate an account, start, stop, send) that the process answers with a
// result; the process tells what its accounts' mechanisms report (status, presence, incoming messages,
// receipts, suggestions), each naming the instance it is about. All it sends is validated here.
import { z } from 'zod';
import type { OutgoingMessage } from '../../../shared/mechanism';

export type ToMechanismSandbox =
  | { readonly t: 'call'; readonly call: number; readonly method: 'validate'; readonly account: unknown }
  | {
      readonly t: 'call';
      readonly call: number;
      readonly method: 'start';
      readonly instance: string;
      readonly account: unknown;
      readonly addresses: readonly string[];
      readonly lastServerId: string | null;
    }
  | { readonly t: 'call'; readonly call: number; readonly method: 'stop'; readonly instance: string }
  | { readonly t: 'call'; readonly call: number; readonly method: 'send'; readonly instance: string; readonly address: string; readonly message: OutgoingMessage }
  | { readonly t: 'addresses'; readonly instance: string; readonly addresses: readonly string[] };

const text = z.string().max(2_000);
const instance = z.string().max(100);
const address = z.string().min(1).max(500);

/** What a plugin says of itself once loaded: the fields of its accounts and what it can tell. */
export const mechanismInfo = z.object({
  accountFields: z
    .array(
      z.object({
        key: z.string().regex(/^[A-Za-z][\w.]{0,49}$/, 'a field key is letters, digits, dots and underscores'),
        label: z.string().min(1).max(100),
        kind: z.enum(['text', 'secret', 'number']),
        required: z.boolean(),
        bindsSecrets: z.boolean().optional(),
      }),
    )
    .max(30),
  capabilities: z.object({ presence: z.boolean(), receipts: z.boolean() }).default({ presence: false, receipts: false }),
  /** Addresses that differ only in case are the same one (e-mail, XMPP): they are compared lower-cased. */
  caseInsensitiveAddresses: z.boolean().default(false),
});
export type MechanismInfo = z.output<typeof mechanismInfo>;

export const sendOutcome = z.union([
  z.object({ ok: z.literal(true), level: z.enum(['accepted', 'delivered', 'read']), note: z.enum(['found-in-archive', 'possibly-duplicated']).optional() }),
  z.object({ ok: z.literal(false), reason: text, final: z.boolean(), maybeSent: z.boolean().optional() }),
]);

/** An account's problems, as its plugin's validateAccount() found them. */
export const accountProblems = z.array(text).max(20);

export const status = z.discriminatedUnion('state', [
  z.object({ state: z.literal('active'), activity: text.optional() }),
  z.object({ state: z.literal('connecting') }),
  z.object({ state: z.literal('inactive'), reason: text }),
]);

export const fromMechanismSandbox = z.discriminatedUnion('t', [
  /** The answer to a call: its value, or why it failed. */
  z.object({ t: z.literal('result'), call: z.number().int(), ok: z.boolean(), value: z.unknown().optional(), error: text.optional() }),
  z.object({ t: z.literal('status'), instance, status }),
  z.object({ t: z.literal('presence'), instance, address, show: z.enum(['available', 'away', 'busy', 'xa', 'offline']), status: text.optional() }),
  z.object({
    t: z.literal('incoming'),
    instance,
    message: z.object({
      from: address,
      body: z.string().max(100_000),
      id: z.string().max(200).optional(),
      serverId: z.string().max(200).optional(),
      fromOwnDevice: z.boolean().optional(),
      at: z.number().optional(),
    }),
  }),
  z.object({ t: z.literal('suggest'), instance, person: z.object({ address, name: z.string().max(200).optional() }) }),
  z.object({ t: z.literal('receipt'), instance, messageId: z.string().max(200), level: z.enum(['delivered', 'read']) }),
  z.object({ t: z.literal('caughtUpTo'), instance, serverId: z.string().min(1).max(200) }),
]);

export type FromMechanismSandbox = z.output<typeof fromMechanismSandbox>;

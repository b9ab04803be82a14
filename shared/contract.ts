// The IPC contract: every renderer-to-main request and every main-to-renderer event, declared once.
// Requests carry a runtime schema for their payload (the main side trusts nothing) and a phantom
// result type; events carry only a type because they flow from the trusted side.
import { z } from 'zod';
import type { AppState, ContactView, DeliveryFailure, MessageView } from './domain';

const contactId = z.string().min(1).max(200);

/** Declares a request: its result type first, then its payload schema. */
const request =
  <R>() =>
  <S extends z.ZodType>(input: S): { readonly input: S; readonly result: R } => ({ input, result: undefined as unknown as R });

/** Declares an event and its payload type. */
function event<P>(): { readonly payload: P } {
  return { payload: undefined as unknown as P };
}

export const requests = {
  'app:state': request<AppState>()(z.strictObject({})),
  'contacts:list': request<ContactView[]>()(z.strictObject({})),
  'messages:list': request<MessageView[]>()(z.strictObject({ contactId })),
  'messages:send': request<MessageView>()(
    z.strictObject({ contactId, body: z.string().trim().min(1, 'A message cannot be empty').max(20_000) }),
  ),
} as const;

export const events = {
  'app:changed': event<AppState>(),
  'contacts:changed': event<ContactView[]>(),
  'messages:changed': event<MessageView>(),
  'delivery:failed': event<DeliveryFailure>(),
} as const;

export type RequestName = keyof typeof requests;
export type EventName = keyof typeof events;
export type RequestInput<K extends RequestName> = z.input<(typeof requests)[K]['input']>;
export type RequestPayload<K extends RequestName> = z.output<(typeof requests)[K]['input']>;
export type RequestResult<K extends RequestName> = (typeof requests)[K]['result'];
export type EventPayload<K extends EventName> = (typeof events)[K]['payload'];

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

// The shape every host's request handlers must have: one per request of the contract, typed from it,
// so a request without a handler does not compile.
import type { RequestName, RequestPayload, RequestResult } from '../../shared/contract';

export type Handlers = {
  readonly [K in RequestName]: (payload: RequestPayload<K>) => Promise<RequestResult<K>> | RequestResult<K>;
};

/** Thrown by a handler when the thing asked for does not exist; answered as `not-found`. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Thrown by a handler when the input is well-formed but cannot be used; answered as `invalid-payload`. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

// The one shape every IPC request answers with, in both hosts.

export type ErrorCode = 'unknown-request' | 'invalid-payload' | 'not-found' | 'internal';

export interface IpcError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

// Validates and runs one IPC request. It never throws and never rejects: whatever arrives (an unknown
// name, a malformed payload, a handler that throws) is answered with a Result.
import { isRequestName, requests } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';
import { describeIssues } from '../../shared/settings';
import type { Logger } from '../../shared/mechanism';
import { InvalidInputError, NotFoundError, type Handlers } from './handlers';

export async function dispatch(handlers: Handlers, name: unknown, payload: unknown, log?: Logger): Promise<Result<unknown>> {
  if (!isRequestName(name)) {
    return fail('unknown-request', `There is no request named ${JSON.stringify(String(name)).slice(0, 80)}.`);
  }
  const parsed = requests[name].input.safeParse(payload ?? {});
  if (!parsed.success) return fail('invalid-payload', `${name}: ${describeIssues(parsed.error)}`);
  try {
    const handler = handlers[name] as (payload: unknown) => unknown;
    return ok(await handler(parsed.data));
  } catch (error) {
    if (error instanceof NotFoundError) return fail('not-found', error.message);
    if (error instanceof InvalidInputError) return fail('invalid-payload', error.message);
    log?.error(`request ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return fail('internal', `${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// Validates and runs one IPC request. It never throws and never rejects: whatever arrives (an unknown
// name, a malformed payload, a handler that throws) is answered with a Result.
import { isRequestName, requests } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';
import { keyNamer, type FieldNamer } from '../../shared/issue-words';
import { describeIssues } from '../../shared/settings';
import type { Logger } from '../../shared/mechanism';
import { InvalidInputError, NotFoundError, type Handlers } from './handlers';

/** What the window calls the fields of requests, for the sentence shown when one is refused. */
const fieldWords: Readonly<Record<string, string>> = {
  contactId: 'the person',
  contactIds: 'the people',
  into: 'the person to keep',
  from: 'the person to merge',
  body: 'the message',
  name: 'the name',
  addresses: 'the addresses',
  priority: 'the urgency',
  expiring: 'whether it expires',
  expiresInSeconds: 'the time it expires in',
  manager: 'the delivery manager',
  messageId: 'the message',
  kind: 'the kind of account',
  values: "the account's settings",
  enabled: 'on or off',
  strangerId: 'the new person',
  suggestionId: 'the suggestion',
  promptId: 'the question',
  send: 'the answer',
  limit: 'how many to show',
  before: 'where to start',
};

const payloadNamer: FieldNamer = (path) => {
  if (path.length === 0) return 'the request';
  const [first] = path;
  return path.length === 1 && typeof first === 'string' && Object.hasOwn(fieldWords, first) ? fieldWords[first]! : keyNamer(path);
};

/** A refused payload in a sentence the window can show: "The message is longer than 20000 characters." */
function refusal(words: string): string {
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
}

export async function dispatch(handlers: Handlers, name: unknown, payload: unknown, log?: Logger): Promise<Result<unknown>> {
  if (!isRequestName(name)) {
    return fail('unknown-request', `There is no request named ${JSON.stringify(String(name)).slice(0, 80)}.`);
  }
  const parsed = requests[name].input.safeParse(payload ?? {});
  if (!parsed.success) return fail('invalid-payload', refusal(describeIssues(parsed.error, payloadNamer, { value: payload ?? {} })));
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

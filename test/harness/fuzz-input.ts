// What the fuzz tests send: fast-check arbitraries for the parts of an HTTP request line (targets with
// broken percent-encoding, absolute forms cut short, anything at all), and what counts as a bad answer.
import fc from 'fast-check';
import type { RawAnswer } from './raw-http';

/** Percent signs with and without valid hex, and encodings of dots, slashes and NUL. */
export const percent = fc.constantFrom('%', '%2', '%E0', '%A4', '%A', '%zz', '%00', '%2e%2e', '%2f', '%5c', '%ff', '%C0%AF', '%25', '%E0%A4%A', '%%');
export const pathPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('/', '.', '..', 'a', 'index.html', 'assets', 'ipc', 'dlr', '?', '#', '&', '=', ';', '\\', '@', ':', '[', ']', '\u00e9', '\uffff', '\ud800', '\u{1f600}') },
  { weight: 6, arbitrary: percent },
  // Spaces, tabs, NUL, control characters: Node's parser refuses most of these itself.
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom(' ', '\t', '\0', '\r', '\n', '\x7f'), fc.string({ unit: 'binary', maxLength: 3 })) },
);
export const pathLike = fc.array(pathPiece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`);
/** Request targets: origin-form paths, absolute forms (some cut short), and anything at all. */
export const target = (port: number) =>
  fc.oneof(
    { weight: 8, arbitrary: pathLike },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('http://', 'https://', 'http://[', 'HTTP://', 'ws://', '//', 'file:///', 'javascript:', ''),
          fc.constantFrom(`127.0.0.1:${port}`, '[', '[::1', '[::1]', 'evil.example', '', '127.0.0.1', '%', '::', `127.0.0.1:${port}@evil.example`),
          fc.array(pathPiece, { maxLength: 6 }).map((p) => p.join('')),
        )
        .map(([scheme, authority, rest]) => `${scheme}${authority}${rest}`),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')) },
    { weight: 1, arbitrary: fc.constantFrom('/%', '/%E0%A4%A', 'http://[', '*', '/', '/index.html', '/ipc', `http://127.0.0.1:${port}/`, '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd') },
  );
export const method = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('GET', 'HEAD') },
  { weight: 2, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'PRI', 'get', 'M-SEARCH', 'PROPFIND', 'SOURCE') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 8 }) },
);
export const version = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('HTTP/1.1', 'HTTP/1.0') },
  { weight: 1, arbitrary: fc.constantFrom('HTTP/2.0', 'HTTP/0.9', 'http/1.1', 'HTTP/1.1x', '', 'HTTP/1.', 'HTTP/1.1 HTTP/1.1') },
);
export const gap = fc.oneof({ weight: 12, arbitrary: fc.constant(' ') }, { weight: 1, arbitrary: fc.constantFrom('  ', '\t', '') });

/** Why an answer is wrong, if it is: anything but a final answer below 500, a closed connection, or (for a request not yet complete) a wait. */
export function badOutcome(answer: RawAnswer): string | undefined {
  if (answer.status !== undefined && (answer.status >= 500 || answer.status < 100)) return `answered ${answer.status}`;
  return undefined;
}


// SCRAM's salted password (RFC 5802 "Hi") is PBKDF2-HMAC-SHA-1. The SASL library xmpp.js uses
// computes it as 4,096 separate Web Crypto HMAC calls, some 230 ms of the main thread at every
// sign-in and resumption; the platform's own PBKDF2 does the same in one call of a few milliseconds,
// off the main thread.
// Only that function is replaced; the rest of the exchange stays the library's.
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import bitops from 'sasl-scram-sha-1/lib/bitops.js';

const derive = promisify(pbkdf2);

/** RFC 5802 Hi(str, salt, i): PBKDF2 with HMAC-SHA-1, one block of 20 bytes (off the main thread, in libuv's pool). */
export async function saltedPassword(text: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  return new Uint8Array(await derive(Buffer.from(text, 'utf8'), salt, iterations, 20, 'sha1'));
}

let installed = false;

/** Puts the platform's PBKDF2 in the library's place (once; the library looks it up at each sign-in). */
export function useNativePbkdf2(): void {
  if (installed) return;
  bitops.Hi = saltedPassword;
  installed = true;
}

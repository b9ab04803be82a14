// The salted password SCRAM-SHA-1 signs in with, by the platform's PBKDF2: the same bytes as the
// published vectors (RFC 6070) and as the SASL library's own implementation it replaces.
import { describe, expect, it } from 'vitest';
import { saltedPassword } from '../../plugins/xmpp/scram';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('saltedPassword (RFC 5802 Hi)', () => {
  it('gives the RFC 6070 PBKDF2-HMAC-SHA1 results', async () => {
    expect(hex(await saltedPassword('password', Buffer.from('salt'), 1))).toBe('0c60c80f961f0e71f3a9b524af6012062fe037a6');
    expect(hex(await saltedPassword('password', Buffer.from('salt'), 4096))).toBe('4b007901b765489abead49d926f721d065a429c1');
  });

  it('agrees with the library it replaces, on a password that is not ASCII', async () => {
    // The library's own Hi, loaded before any replacement, computed the slow way.
    const { createRequire } = await import('node:module');
    const fresh = createRequire(import.meta.url)('sasl-scram-sha-1/lib/bitops.js') as { Hi: (t: string, s: Uint8Array, i: number) => Promise<Uint8Array> };
    const salt = Buffer.from('QSXCR+Q6sek8bf92', 'base64');
    const slow = await fresh.Hi('pässwörd ✓', salt, 64);
    expect(hex(await saltedPassword('pässwörd ✓', salt, 64))).toBe(hex(slow));
  });
});

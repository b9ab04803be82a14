// Why an account cannot connect, in words a person can act on: what each plugin's library says
// (Node's network and TLS errors, SASL, SMTP and IMAP refusals) becomes one sentence per trouble,
// naming the server where the error does, never an error code; a plugin's own sentence stays as it is.
import { describe, expect, it } from 'vitest';
import { plainReason } from '../../core/mechanisms/plain-reason';

const codes = /\b(E[A-Z]{4,}|EAI_[A-Z]+|[A-Z]+_[A-Z_]{4,}|SASL|not-authorized|535|904)\b/;

describe('plainReason', () => {
  it('a server name that cannot be found: check the server name, naming it', () => {
    for (const raw of ['getaddrinfo ENOTFOUND chat.example.invalid', 'getaddrinfo EAI_AGAIN chat.example.invalid']) {
      const plain = plainReason(raw);
      expect(plain).toMatch(/^Cannot find the server chat\.example\.invalid: check the server name/);
      expect(plain).not.toMatch(codes);
    }
  });

  it('a server that cannot be reached: is it running, is the port right', () => {
    expect(plainReason('connect ECONNREFUSED 127.0.0.1:5999')).toMatch(/^Cannot reach the server 127\.0\.0\.1:5999: .*running.*port/);
    // Wrapped by a library, with its own code after it (nodemailer's ESOCKET, EDNS).
    expect(plainReason('connect ECONNREFUSED 127.0.0.1:5999 (ESOCKET)')).toMatch(/^Cannot reach the server 127\.0\.0\.1:5999: /);
    expect(plainReason('getaddrinfo ENOTFOUND mail.example.invalid (EDNS)')).toMatch(/^Cannot find the server mail\.example\.invalid: /);
    for (const raw of ['connect ETIMEDOUT 10.0.0.9:5222', 'connect EHOSTUNREACH 10.0.0.9:5222', 'Connection timeout', 'the gateway did not answer in time']) {
      const plain = plainReason(raw);
      expect(plain).toMatch(/^Cannot reach the server.*running.*port/);
      expect(plain).not.toMatch(codes);
    }
  });

  it('a certificate not trusted, for another name, or expired: says what to do', () => {
    for (const raw of [
      "the server's certificate could not be verified (SELF_SIGNED_CERT_IN_CHAIN)",
      'self-signed certificate',
      'unable to verify the first certificate',
      'unable to get local issuer certificate',
    ]) {
      const plain = plainReason(raw);
      expect(plain).toMatch(/not signed by an authority this computer trusts.*CA/);
      expect(plain).not.toMatch(codes);
    }
    expect(plainReason("Hostname/IP does not match certificate's altnames: Host: 127.0.0.1. is not cert's CN: chat.example.org")).toMatch(/made out to another name.*check the server name/);
    expect(plainReason('certificate has expired')).toMatch(/has expired.*administrator/);
  });

  it('a refused user name or password, whichever protocol refused it', () => {
    for (const raw of [
      'the server refused the user name or password (SASL not-authorized)',
      'the server refused the SASL account or password (ERR_SASLFAIL)',
      'the server refused the user name or password (EAUTH)',
      'Invalid login: 535 5.7.8 Error: authentication failed',
      'Command failed: AUTHENTICATIONFAILED',
    ]) {
      const plain = plainReason(raw);
      expect(plain).toBe("The server refused the user name or password: check them in the account's settings and enter the password again.");
    }
  });

  it('keeps a reason it does not know (already a sentence of the plugin), and says the same of a sentence it made', () => {
    const own = 'caFile: /tmp/ca.pem cannot be read (there is no such file)';
    expect(plainReason(own)).toBe(own);
    // A port that happens to be 535 or 904 is no refused password.
    expect(plainReason('connect ECONNREFUSED 127.0.0.1:535')).toMatch(/^Cannot reach the server 127\.0\.0\.1:535/);
    for (const raw of ['getaddrinfo ENOTFOUND a.invalid', 'connect ECONNREFUSED 127.0.0.1:1', 'self-signed certificate', 'EAUTH', 'certificate has expired', 'read ECONNRESET']) {
      const once = plainReason(raw);
      expect(plainReason(once)).toBe(once);
    }
  });
});

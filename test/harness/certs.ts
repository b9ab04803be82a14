// A throwaway certificate authority and a server certificate for a test domain, made with openssl,
// so clients verify the test server exactly as they would a real one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TestCertificates {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Signs a certificate for `domain` in `dir`, with the CA found in `caDir` (made there if missing).
 * Pass a fresh caDir to get a server no client of the run trusts.
 */
export function makeCertificates(dir: string, domain: string, caDir = dir, name = 'server'): TestCertificates {
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(caDir, { recursive: true });
  const file = (f: string) => path.join(dir, f);
  const ca = (f: string) => path.join(caDir, f);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  if (!fs.existsSync(ca('ca.pem'))) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', ca('ca.key'), '-out', ca('ca.pem'), '-days', '2', '-subj', '/CN=Switchboard test CA');
  }
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${domain}`);
  fs.writeFileSync(file(`${name}.ext`), `subjectAltName=DNS:${domain}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', ca('ca.pem'), '-CAkey', ca('ca.key'), '-CAcreateserial', '-CAserial', file('ca.srl'), '-out', file(`${name}.pem`), '-days', '2', '-extfile', file(`${name}.ext`));
  fs.chmodSync(file(`${name}.key`), 0o644); // prosody drops to its own user on some setups and must read it
  return { caFile: ca('ca.pem'), certFile: file(`${name}.pem`), keyFile: file(`${name}.key`) };
}

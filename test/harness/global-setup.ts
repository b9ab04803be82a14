// Runs once before any test worker starts: checks the Debian parts and makes the run's test CA.
import fs from 'node:fs';
import { ensureTestCa } from './test-ca';

export default function setup(): void {
  for (const [binary, pkg] of [
    ['/usr/bin/prosody', 'prosody'],
    ['/usr/sbin/ejabberdctl', 'ejabberd'],
    ['/usr/bin/openssl', 'openssl'],
    ['/usr/lib/python3/dist-packages/aiosmtpd', 'python3-aiosmtpd'],
    ['/usr/sbin/ngircd', 'ngircd'],
    ['/usr/sbin/inspircd', 'inspircd'],
    ['/usr/sbin/bearerbox', 'kannel'],
    ['/usr/lib/kannel/test/fakesmsc', 'kannel-extras'],
  ]) {
    if (!fs.existsSync(binary!)) throw new Error(`${binary} is missing: run  apt-get install -y ${pkg}  (or npm test as root, which installs it)`);
  }
  ensureTestCa();
}

// Runs once before any test worker starts: checks the Debian parts and makes the run's test CA.
import fs from 'node:fs';
import { ensureTestCa } from './test-ca';

export default function setup(): void {
  for (const binary of ['/usr/bin/prosody', '/usr/bin/prosodyctl', '/usr/bin/openssl']) {
    if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run  apt-get install -y prosody openssl  (or npm test as root, which installs them)`);
  }
  ensureTestCa();
}

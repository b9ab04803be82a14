// One certificate authority per test run. Global setup makes it before any worker starts and puts it
// in NODE_EXTRA_CA_CERTS, so stock peer clients (which have no CA option) trust the test servers the
// way a real client trusts a real server. Switchboard itself is given the CA through its caFile setting.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function ensureTestCa(): { dir: string; caFile: string } {
  let dir = process.env.SB_TEST_CA_DIR;
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-test-ca-'));
    process.env.SB_TEST_CA_DIR = dir;
  }
  const caFile = path.join(dir, 'ca.pem');
  if (!fs.existsSync(caFile)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'ca.key'), '-out', caFile, '-days', '2', '-subj', '/CN=Switchboard test CA'], { stdio: 'pipe' });
  }
  process.env.NODE_EXTRA_CA_CERTS = caFile;
  return { dir, caFile };
}

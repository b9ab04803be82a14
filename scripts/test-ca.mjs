// For the scripts that start real servers outside the test runner (npm run drill, npm run bench): a
// throwaway CA in a private temporary folder, and the environment that makes the harness sign the
// servers' certificates with it and makes the script's own clients trust it (NODE_EXTRA_CA_CERTS is
// read only when a process starts, so the script runs as a child with it).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs `node script args` with a fresh test CA, then removes every temporary file; returns its exit code. */
export function runWithTestCa(script, args, extraEnv = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-run-'));
  const caDir = path.join(tmp, 'ca');
  fs.mkdirSync(caDir, { mode: 0o700 });
  const caFile = path.join(caDir, 'ca.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(caDir, 'ca.key'), '-out', caFile, '-days', '2', '-subj', '/CN=Switchboard script CA'], { stdio: 'pipe' });
  try {
    const { status } = spawnSync(process.execPath, [script, ...args], {
      stdio: 'inherit',
      env: { ...process.env, TMPDIR: tmp, SB_TEST_CA_DIR: caDir, NODE_EXTRA_CA_CERTS: caFile, ...extraEnv },
    });
    return status ?? 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

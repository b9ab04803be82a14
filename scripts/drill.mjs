// `npm run drill`: the chaos drill of issue 8 (see scripts/drill/run.ts). Builds (unless given
// --no-build), bundles scripts/drill/main.ts, makes a throwaway CA for the drill's servers, and runs it
// with that CA trusted by the drill's own clients (Switchboard trusts it through its caFile setting).
// Everything the servers write goes in one temporary folder, removed afterwards; the host log is
// copied out first so that the report's path still holds it.
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const args = process.argv.slice(2).filter((a) => a !== '--no-build');
if (process.argv.includes('--no-build')) {
  if (!fs.existsSync('dist/host/main.js')) {
    console.error('dist/ is not built, so --no-build cannot be used: run npm run build first, or leave out --no-build.');
    process.exit(1);
  }
} else await import('./build.mjs');
await build({ entryPoints: ['scripts/drill/main.ts'], outfile: 'dist/drill/main.js', bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-drill-run-'));
const caDir = path.join(tmp, 'ca');
fs.mkdirSync(caDir, { mode: 0o700 });
const caFile = path.join(caDir, 'ca.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(caDir, 'ca.key'), '-out', caFile, '-days', '2', '-subj', '/CN=Switchboard drill CA'], { stdio: 'pipe' });
const { status } = spawnSync(process.execPath, ['dist/drill/main.js', ...args], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: tmp, SB_TEST_CA_DIR: caDir, NODE_EXTRA_CA_CERTS: caFile, SB_DRILL_LOGS: path.join(os.tmpdir(), 'sb-drill-logs') },
});
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(status ?? 1);

// `npm run demo`: checks the Debian servers it needs, builds (unless given --no-build), makes a
// throwaway CA for the demo's servers, and runs scripts/demo/world.ts (bundled) with that CA trusted
// by the scripted people. Everything the demo writes (the CA's key, server configurations, the
// settings with their passwords) goes in one temporary folder, removed however the demo ends.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, stop as stopEsbuild } from 'esbuild';
import { howItEnded, onStopSignal, startChild, stopChild, sweepGroup } from './children.mjs';

const needed = {
  prosody: '/usr/bin/prosody',
  ngircd: '/usr/sbin/ngircd',
  kannel: '/usr/sbin/bearerbox',
  'kannel-extras': '/usr/lib/kannel/test/fakesmsc',
  'python3-aiosmtpd': '/usr/lib/python3/dist-packages/aiosmtpd',
  'dovecot-imapd': '/usr/sbin/dovecot',
  openssl: '/usr/bin/openssl',
};
const missing = Object.entries(needed).filter(([, file]) => !fs.existsSync(file)).map(([name]) => name);
if (missing.length) {
  console.error(`The demo runs real servers from Debian; missing: ${missing.join(', ')}.\nInstall them with:\n  sudo apt-get install -y ${Object.keys(needed).join(' ')}`);
  process.exit(1);
}
const skipBuild = process.argv.includes('--no-build');
if (skipBuild && !fs.existsSync('dist/host/main.js')) {
  console.error('dist/ is not built, so --no-build cannot be used: run npm run build first, or leave out --no-build.');
  process.exit(1);
}

// The world's servers make their folders in os.tmpdir(); pointing TMPDIR here keeps them all in it.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-demo-'));
// Traversable but not listable: Dovecot's own processes (its auth user, the mail user) must reach the
// mailbox folder inside; nobody can list what is here, and the CA key and settings keep their own 0700/0600.
fs.chmodSync(tmp, 0o711);
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

let world;
let stopping = false;
onStopSignal(async () => {
  stopping = true;
  if (!world) process.exit(0); // still building: nothing else runs yet
  await stopChild(world, 'SIGTERM', 10_000);
});

try {
  if (!skipBuild) await import('./build.mjs');
  await build({ entryPoints: ['scripts/demo/world.ts'], outfile: 'dist/demo/world.js', bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  await stopEsbuild(); // its service process would otherwise outlive the demo by a moment
  const caDir = path.join(tmp, 'ca');
  fs.mkdirSync(caDir, { mode: 0o700 });
  const caFile = path.join(caDir, 'ca.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(caDir, 'ca.key'), '-out', caFile, '-days', '2', '-subj', '/CN=Switchboard demo CA'], { stdio: 'pipe' });
  world = startChild(process.execPath, ['dist/demo/world.js'], { env: { ...process.env, TMPDIR: tmp, SB_TEST_CA_DIR: caDir, NODE_EXTRA_CA_CERTS: caFile } });
} catch (error) {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

world.on('exit', async (code, signal) => {
  // The world prints its own line when it fails; a kill leaves it no time to.
  if (stopping && signal === 'SIGKILL') console.error('The demo did not stop within 10 s, so it was killed.');
  else if (signal && !stopping) console.error(`The demo's world (scripts/demo/world.ts) was ${howItEnded(code, signal)}, so the demo stops.`);
  await sweepGroup(world.pid);
  process.exit(code ?? (stopping && signal !== 'SIGKILL' ? 0 : 1));
});

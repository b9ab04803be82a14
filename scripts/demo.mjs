// `npm run demo`: checks the Debian servers it needs, builds, makes a throwaway CA for the demo's
// servers, and runs scripts/demo/world.ts (bundled) with that CA trusted by the scripted people.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const needed = {
  prosody: '/usr/bin/prosody',
  ngircd: '/usr/sbin/ngircd',
  kannel: '/usr/sbin/bearerbox',
  'kannel-extras': '/usr/lib/kannel/test/fakesmsc',
  'python3-aiosmtpd': '/usr/lib/python3/dist-packages/aiosmtpd',
  openssl: '/usr/bin/openssl',
};
const missing = Object.entries(needed).filter(([, file]) => !fs.existsSync(file)).map(([name]) => name);
if (missing.length) {
  console.error(`The demo runs real servers from Debian; missing: ${missing.join(', ')}.\nInstall them with:\n  sudo apt-get install -y ${Object.keys(needed).join(' ')}`);
  process.exit(1);
}

await import('./build.mjs');
await build({ entryPoints: ['scripts/demo/world.ts'], outfile: 'dist/demo/world.js', bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });

const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-demo-ca-'));
const caFile = path.join(caDir, 'ca.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(caDir, 'ca.key'), '-out', caFile, '-days', '2', '-subj', '/CN=Switchboard demo CA'], { stdio: 'pipe' });
const child = spawn(process.execPath, ['dist/demo/world.js'], { stdio: 'inherit', env: { ...process.env, SB_TEST_CA_DIR: caDir, NODE_EXTRA_CA_CERTS: caFile } });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

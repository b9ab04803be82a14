// Makes sure the Debian packages the tests use are here: Prosody (the real XMPP server), Chromium
// (the real browser), openssl (test certificates). As root with apt-get it installs them; otherwise
// it stops at once and names the exact command to run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export const packages = {
  prosody: '/usr/bin/prosody',
  ejabberd: '/usr/sbin/ejabberdctl',
  chromium: '/usr/bin/chromium',
  openssl: '/usr/bin/openssl',
  'python3-aiosmtpd': '/usr/lib/python3/dist-packages/aiosmtpd',
  ngircd: '/usr/sbin/ngircd',
  inspircd: '/usr/sbin/inspircd',
  kannel: '/usr/sbin/bearerbox',
  'kannel-extras': '/usr/lib/kannel/test/fakesmsc',
  'dovecot-imapd': '/usr/sbin/dovecot',
};
export const installLine = `apt-get install -y ${Object.keys(packages).join(' ')}`;

export function ensureSystem() {
  const missing = Object.entries(packages).filter(([, binary]) => !fs.existsSync(binary)).map(([name]) => name);
  if (!missing.length) return;
  const root = process.getuid?.() === 0;
  const apt = fs.existsSync('/usr/bin/apt-get');
  if (!root || !apt) {
    console.error(`npm test needs Debian packages that are missing: ${missing.join(', ')}.\nInstall them with:\n  sudo ${installLine}`);
    process.exit(1);
  }
  console.log(`Installing missing Debian packages: ${missing.join(', ')} ...`);
  // Keep package scripts from starting the system's own Prosody: the tests start their own.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !fs.existsSync(policy);
  if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  } finally {
    if (ownPolicy) fs.rmSync(policy, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureSystem();

// Starts a real ejabberd (from Debian) on a free loopback port, with its config, database, logs and
// certificate in a temp folder made for the run; accounts are registered with ejabberdctl.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeCertificates } from './certs';
import { freePort, waitForPort } from './ports';
import type { ProsodyServer } from './prosody';
import { ensureTestCa } from './test-ca';

/** The same shape as the Prosody harness, so XMPP tests run against either server. */
export type XmppServer = Omit<ProsodyServer, 'restart'>;

const EJABBERDCTL = '/usr/sbin/ejabberdctl';

/** `archive`: whether accounts have a message archive (XEP-0313, mod_mam); default yes. */
export async function startEjabberd(options: { domain?: string; archive?: boolean } = {}): Promise<XmppServer> {
  const domain = options.domain ?? 'ej.switchboard.test';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ejabberd-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const certs = makeCertificates(path.join(dir, 'certs'), domain, ensureTestCa().dir);
  const pem = path.join(dir, 'server.pem');
  fs.writeFileSync(pem, fs.readFileSync(certs.certFile, 'utf8') + fs.readFileSync(certs.keyFile, 'utf8'));
  fs.mkdirSync(path.join(dir, 'logs'));
  fs.mkdirSync(path.join(dir, 'spool'));
  fs.writeFileSync(path.join(dir, 'inetrc'), '{lookup,["file","native"]}.\n{host,{127,0,0,1}, ["localhost"]}.\n{file, resolv, "/etc/resolv.conf"}.\n');
  fs.writeFileSync(
    path.join(dir, 'ejabberd.yml'),
    `# rendered by test/harness/ejabberd.ts for one test run
hosts: ["${domain}"]
loglevel: info
certfiles: ["${pem}"]
listen:
  - port: ${port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls_required: true
auth_method: internal
auth_password_format: scram
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
modules:
  mod_roster: {}
  mod_stream_mgmt: {}
  mod_disco: {}
  mod_ping: {}
  mod_offline: {}
${options.archive === false ? '' : '  mod_mam: {db_type: mnesia, default: always}\n'}`,
  );
  // Erlang's distribution (which ejabberdctl talks over) listens on loopback only.
  fs.writeFileSync(path.join(dir, 'ejabberdctl.cfg'), 'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 -kernel inet_dist_use_interface {127,0,0,1}"\n');
  spawnSync('chown', ['-R', 'ejabberd', dir]); // ejabberdctl runs the server as its own user when started by root
  const node = `sb${randomBytes(4).toString('hex')}@localhost`;
  const ctl = (...args: string[]) =>
    spawnSync(EJABBERDCTL, ['--config-dir', dir, '--config', path.join(dir, 'ejabberd.yml'), '--ctl-config', path.join(dir, 'ejabberdctl.cfg'), '--logs', path.join(dir, 'logs'), '--spool', path.join(dir, 'spool'), '--node', node, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ERL_EPMD_ADDRESS: '127.0.0.1' },
    });

  let up = false;
  async function start(): Promise<void> {
    const launched = ctl('start');
    if (launched.status !== 0) throw new Error(`ejabberd did not start: ${launched.stdout}${launched.stderr}`);
    const started = ctl('started'); // waits until the node runs (or gives up)
    if (started.status !== 0) throw new Error(`ejabberd did not come up: ${started.stdout}${started.stderr}\n${fs.existsSync(path.join(dir, 'logs', 'ejabberd.log')) ? fs.readFileSync(path.join(dir, 'logs', 'ejabberd.log'), 'utf8').slice(-2000) : ''}`);
    await waitForPort(port, 30_000);
    up = true;
  }
  async function stop(): Promise<void> {
    if (!up) return;
    up = false;
    ctl('stop');
    ctl('stopped'); // waits until the node is gone
  }
  await start();
  return {
    domain,
    port,
    service: `xmpp://127.0.0.1:${port}`,
    caFile: certs.caFile,
    dir,
    logFile: path.join(dir, 'logs', 'ejabberd.log'),
    createAccount(prefix: string) {
      const local = `${prefix}-${randomBytes(4).toString('hex')}`;
      const password = randomBytes(12).toString('base64url');
      const result = ctl('register', local, domain, password);
      if (result.status !== 0) throw new Error(`ejabberdctl register failed: ${result.stdout}${result.stderr}`);
      return { jid: `${local}@${domain}`, password };
    },
    start,
    stop,
    kill: stop,
  };
}

// Starts a real Prosody on a free loopback port, with its config, data and certificate in a temp
// folder made for the run, and creates fresh accounts. Nothing tracked is touched.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeCertificates } from './certs';
import { freePort } from './ports';
import { serverProcess } from './server-process';
import { ensureTestCa } from './test-ca';

export interface ProsodyServer {
  readonly domain: string;
  readonly port: number;
  readonly service: string;
  readonly caFile: string;
  readonly dir: string;
  readonly logFile: string;
  /** The port where the component of `options.component` connects (XEP-0114); undefined without one. */
  readonly componentPort?: number;
  /** Creates an account with a random password; returns its address and password. */
  createAccount(prefix: string): { jid: string; password: string };
  /** Kills the server (connections drop at once) and starts it again on the same port. */
  restart(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const PROSODY = '/usr/bin/prosody';
const PROSODYCTL = '/usr/bin/prosodyctl';

export interface ProsodyOptions {
  readonly domain?: string;
  /** Folder of the CA that signs the server's certificate; default: the run's test CA. */
  readonly caDir?: string;
  /** Whether accounts have a message archive (XEP-0313, mod_mam); default yes, as most servers do. */
  readonly archive?: boolean;
  /** How long a dropped session is kept for resumption (XEP-0198); Prosody's default otherwise (10 min). */
  readonly hibernationSeconds?: number;
  /** Logs at debug level, for a test that waits on what the server did. */
  readonly debugLog?: boolean;
  /**
   * Turns Nagle's algorithm off on the server's connections, for a benchmark: with it on, a write to
   * a client whose last segment waits for a delayed TCP ACK is held some 40 ms, whoever sent it.
   */
  readonly noNagle?: boolean;
  /** An external component (XEP-0114) the server accepts on a port of its own, for a test that plays many people. */
  readonly component?: { readonly domain: string; readonly secret: string };
}

export async function startProsody(options: ProsodyOptions = {}): Promise<ProsodyServer> {
  const domain = options.domain ?? 'chat.switchboard.test';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-prosody-'));
  const port = await freePort();
  const componentPort = options.component ? await freePort() : undefined;
  const certs = makeCertificates(path.join(dir, 'certs'), domain, options.caDir ?? ensureTestCa().dir);
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(dataDir, 0o777);
  const logFile = path.join(dir, 'prosody.log');
  const config = path.join(dir, 'prosody.cfg.lua');
  fs.writeFileSync(
    config,
    `-- rendered by test/harness/prosody.ts for one test run
run_as_root = ${process.getuid?.() === 0 ? 'true' : 'false'}
daemonize = false
pidfile = ${JSON.stringify(path.join(dir, 'prosody.pid'))}
data_path = ${JSON.stringify(dataDir)}
interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
c2s_direct_tls_ports = { }
s2s_ports = { }
component_ports = { ${componentPort ?? ''} }
http_ports = { }
https_ports = { }
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "time"; "offline"; "posix"; "smacks"; "carbons"${options.archive === false ? '' : '; "mam"'} }
default_archive_policy = true
archive_expires_after = "1d"
modules_disabled = { "s2s" }
authentication = "internal_hashed"
storage = "internal"
c2s_require_encryption = true
allow_registration = false
${options.hibernationSeconds === undefined ? '' : `smacks_hibernation_time = ${options.hibernationSeconds}\n`}${options.noNagle ? 'network_settings = { nagle = false }\n' : ''}log = { { levels = { min = "${options.debugLog || process.env.SB_PROSODY_DEBUG ? "debug" : "info"}" }, to = "file", filename = ${JSON.stringify(logFile)} } }
VirtualHost ${JSON.stringify(domain)}
  ssl = { key = ${JSON.stringify(certs.keyFile)}, certificate = ${JSON.stringify(certs.certFile)} }
${options.component ? `Component ${JSON.stringify(options.component.domain)}\n  component_secret = ${JSON.stringify(options.component.secret)}\n` : ''}`,
  );

  const server = serverProcess('Prosody', PROSODY, ['--config', config, '-F'], port, path.join(dir, 'stdout.log'), logFile);
  const start = server.start;
  const terminate = (signal: NodeJS.Signals) => server.stop(signal);

  await start();

  return {
    domain,
    port,
    service: `xmpp://127.0.0.1:${port}`,
    caFile: certs.caFile,
    dir,
    logFile,
    componentPort,
    createAccount(prefix: string) {
      const local = `${prefix}-${randomBytes(4).toString('hex')}`;
      const password = randomBytes(12).toString('base64url');
      const result = spawnSync(PROSODYCTL, ['--config', config, 'register', local, domain, password], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`prosodyctl register failed: ${result.stdout}${result.stderr}`);
      return { jid: `${local}@${domain}`, password };
    },
    start,
    async restart() {
      await terminate('SIGKILL');
      await start();
    },
    kill: () => terminate('SIGKILL'),
    async stop() {
      await terminate('SIGTERM');
    },
  };
}

/** Resolves once a server's log file has a line matching `pattern` (woken by the file's changes). */
export async function untilLogged(file: string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const has = () => fs.existsSync(file) && pattern.test(fs.readFileSync(file, 'utf8'));
  if (has()) return;
  await new Promise<void>((resolve, reject) => {
    const watcher = fs.watch(path.dirname(file), () => has() && done());
    const timer = setTimeout(() => done(new Error(`Prosody never logged ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    function done(error?: Error) {
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    }
    if (has()) done(); // written between the first look and the watch
  });
}

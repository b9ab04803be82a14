// Starts a real SMTP server (aiosmtpd from Debian, see servers/smtp_server.py) on a free loopback
// port with a certificate from the run's CA, and reads back the messages it accepts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { firstMatch } from './wait';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { makeCertificates } from './certs';
import { freePort } from './ports';
import { named } from './spawned';
import { ensureTestCa } from './test-ca';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  switchboardId: string | null;
  body: string;
  tls: boolean;
}

export interface SmtpServer {
  readonly host: string;
  readonly port: number;
  readonly caFile: string;
  readonly user: string;
  readonly password: string;
  readonly received: ReceivedMail[];
  receive(match: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Called for every mail accepted (scripted people answer through it). */
  onMail: ((mail: ReceivedMail) => void) | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-aiosmtpd
// Next to this file in the tests; from the repository root when bundled (npm run demo).
const beside = path.join(path.dirname(new URL(import.meta.url).pathname), 'servers', 'smtp_server.py');
const SCRIPT = fs.existsSync(beside) ? beside : path.resolve('test/harness/servers/smtp_server.py');

export async function startSmtp(domain = 'mail.switchboard.test'): Promise<SmtpServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-smtp-'));
  const certs = makeCertificates(dir, domain, ensureTestCa().dir);
  const port = await freePort();
  const user = 'me';
  const password = randomBytes(9).toString('base64url');
  const received: ReceivedMail[] = [];
  const arrivals = new EventEmitter();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = named('the SMTP server (aiosmtpd)', spawn(PYTHON, [SCRIPT, String(port), certs.certFile, certs.keyFile, user, password], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let errors = '';
    child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    const lines = createInterface({ input: child.stdout! });
    const listening = new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        const data = JSON.parse(line) as ReceivedMail & { listening?: number };
        if (data.listening) return resolve();
        received.push(data);
        arrivals.emit('mail');
        server.onMail?.(data);
      });
      child!.once('exit', (code) => reject(new Error(`the SMTP server exited (${code}): ${errors}`)));
    });
    await listening;
  }

  const server: SmtpServer = {
    onMail: undefined,
    host: '127.0.0.1',
    port,
    caFile: certs.caFile,
    user,
    password,
    received,
    async receive(match, timeoutMs = 15_000) {
      return firstMatch(received, match, arrivals, 'mail', timeoutMs);
    },
    start,
    async stop() {
      if (!child || child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
  await start();
  return server;
}

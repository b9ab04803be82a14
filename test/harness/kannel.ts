// Starts Kannel from Debian on loopback: bearerbox with a fake SMSC, smsbox with the HTTP sendsms
// interface, and fakesmsc as the phone network, whose output shows each page that reached a phone.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { firstMatch } from './wait';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, waitForPort } from './ports';
import { named } from './spawned';

export interface Page {
  from: string;
  to: string;
  text: string;
}

export interface KannelGateway {
  readonly sendsmsUrl: string;
  readonly username: string;
  readonly password: string;
  readonly dir: string;
  readonly pages: Page[];
  receive(match: (page: Page) => boolean, timeoutMs?: number): Promise<Page>;
  /** Stops and starts the sendsms front end (smsbox), as when the gateway goes down and comes back. */
  stopSendsms(): Promise<void>;
  startSendsms(): Promise<void>;
  stop(): Promise<void>;
}

const BEARERBOX = '/usr/sbin/bearerbox';
const SMSBOX = '/usr/sbin/smsbox';
export const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';

export async function startKannel(): Promise<KannelGateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-kannel-'));
  const [admin, box, smsc, sendsms] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const username = 'switchboard';
  const password = randomBytes(9).toString('hex');
  const config = path.join(dir, 'kannel.conf');
  fs.writeFileSync(
    config,
    `# rendered by test/harness/kannel.ts for one test run
group = core
admin-port = ${admin}
admin-interface = 127.0.0.1
admin-password = ${randomBytes(9).toString('hex')}
smsbox-port = ${box}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "${dir}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = ${smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${box}
sendsms-port = ${sendsms}
sendsms-interface = 127.0.0.1
log-file = "${dir}/smsbox.log"
log-level = 1

group = sendsms-user
username = ${username}
password = ${password}
max-messages = 1

group = sms-service
keyword = default
catch-all = true
max-messages = 0
text = ""
`,
  );
  const pages: Page[] = [];
  const arrivals = new EventEmitter();
  const children: ChildProcess[] = [];
  const run = (name: string, binary: string, args: string[]) => {
    const child = named(name, spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir }));
    children.push(child);
    return child;
  };

  run('Kannel (bearerbox)', BEARERBOX, [config]);
  await waitForPort(box, 15_000);
  let smsbox = run('Kannel (smsbox)', SMSBOX, [config]);
  await waitForPort(sendsms, 15_000);
  // The phone network: prints "Got message N: <from to text the text>" for every page it is handed.
  const phones = run("Kannel's fake phone network (fakesmsc)", FAKESMSC, ['-H', '127.0.0.1', '-r', String(smsc), '-m', '0', '1 2 text unused']);
  for (const stream of [phones.stdout!, phones.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      const m = /Got message \d+: <(.+?) (\S+) text (.*)>$/.exec(line); // the sender may hold spaces
      if (!m) return;
      pages.push({ from: m[1]!, to: m[2]!, text: m[3]! });
      arrivals.emit('page');
    });
  }

  return {
    sendsmsUrl: `http://127.0.0.1:${sendsms}/cgi-bin/sendsms`,
    username,
    password,
    dir,
    pages,
    async receive(match, timeoutMs = 15_000) {
      return firstMatch(pages, match, arrivals, 'page', timeoutMs);
    },
    async stopSendsms() {
      const gone = once(smsbox, 'exit');
      smsbox.kill('SIGTERM');
      await gone;
    },
    async startSendsms() {
      smsbox = run('Kannel (smsbox)', SMSBOX, [config]);
      await waitForPort(sendsms, 15_000);
    },
    async stop() {
      await Promise.all(
        children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => {
          const gone = once(c, 'exit');
          c.kill('SIGTERM');
          return gone;
        }),
      );
    },
  };
}

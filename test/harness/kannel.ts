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
  /** Called for every page that reaches a phone (scripted people answer through it). */
  onPage: ((page: Page) => void) | undefined;
  /**
   * A person's phone sends a message to the gateway (fakesmsc, playing the network, hands it over as
   * an incoming SMS); the gateway's sms-service passes it on where `incoming` said.
   */
  send(from: string, to: string, text: string): Promise<void>;
  /** Stops and starts the sendsms front end (smsbox), as when the gateway goes down and comes back. */
  stopSendsms(): Promise<void>;
  startSendsms(): Promise<void>;
  stop(): Promise<void>;
}

const BEARERBOX = '/usr/sbin/bearerbox';
const SMSBOX = '/usr/sbin/smsbox';
export const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';

/** `incoming`: where the gateway's sms-service hands on what phones send (Switchboard's SMS listener). */
export async function startKannel(options: { incoming?: { port: number; secret: string } } = {}): Promise<KannelGateway> {
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
${options.incoming ? `get-url = "http://127.0.0.1:${options.incoming.port}/in/${options.incoming.secret}?from=%p&text=%a"` : 'text = ""'}
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
  // Started again to have a phone send something (it sends what its arguments say, then listens).
  const network = async (send?: string) => {
    const phones = run("Kannel's fake phone network (fakesmsc)", FAKESMSC, ['-H', '127.0.0.1', '-r', String(smsc), '-m', send ? '1' : '0', send ?? '1 2 text unused']);
    for (const stream of [phones.stdout!, phones.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        const m = /Got message \d+: <(.+?) (\S+) text (.*)>$/.exec(line); // the sender may hold spaces
        if (!m) return;
        const page = { from: m[1]!, to: m[2]!, text: m[3]! };
        pages.push(page);
        arrivals.emit('page');
        gateway.onPage?.(page);
      });
    }
    return phones;
  };
  let phones = await network();

  const gateway: KannelGateway = {
    onPage: undefined,
    sendsmsUrl: `http://127.0.0.1:${sendsms}/cgi-bin/sendsms`,
    username,
    password,
    dir,
    pages,
    async receive(match, timeoutMs = 15_000) {
      return firstMatch(pages, match, arrivals, 'page', timeoutMs);
    },
    async send(from, to, text) {
      const gone = once(phones, 'exit');
      phones.kill('SIGTERM');
      await gone;
      phones = await network(`${from} ${to} text ${text}`);
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
  return gateway;
}

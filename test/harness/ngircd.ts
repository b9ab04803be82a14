// Starts a real IRC server (ngIRCd from Debian) on loopback, TLS only, with a certificate from the
// run's CA and a server password, and provides IRC peers (irc-framework clients) for the other people.
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { firstMatch } from './wait';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'irc-framework';
import { VerifiedTlsTransport } from '../../plugins/irc/transport';
import { makeCertificates } from './certs';
import { freePort } from './ports';
import { serverProcess } from './server-process';
import { ensureTestCa } from './test-ca';

export interface IrcServer {
  readonly host: string;
  readonly port: number;
  readonly serverName: string;
  readonly password: string;
  readonly caFile: string;
  readonly logFile: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNgircd(serverName = 'irc.switchboard.test'): Promise<IrcServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ngircd-'));
  fs.chmodSync(dir, 0o755);
  const certs = makeCertificates(dir, serverName, ensureTestCa().dir);
  const port = await freePort();
  const password = randomBytes(9).toString('hex');
  const motd = path.join(dir, 'motd');
  fs.writeFileSync(motd, 'Switchboard test server\n');
  const config = path.join(dir, 'ngircd.conf');
  const logFile = path.join(dir, 'ngircd.log');
  fs.writeFileSync(
    config,
    `# rendered by test/harness/ngircd.ts for one test run
[Global]
  Name = ${serverName}
  Info = Switchboard test IRC server
  Listen = 127.0.0.1
  Ports =
  Password = ${password}
  MotdFile = ${motd}
  PidFile = ${path.join(dir, 'ngircd.pid')}
[Limits]
  MaxConnectionsIP = 0
  MaxNickLength = 30
  PingTimeout = 120
  PongTimeout = 20
[Options]
  PAM = no
  Ident = no
  DNS = no
  RequireAuthPing = no
[SSL]
  CertFile = ${certs.certFile}
  KeyFile = ${certs.keyFile}
  Ports = ${port}
`,
  );
  const server = serverProcess('ngIRCd', '/usr/sbin/ngircd', ['--nodaemon', '--config', config], port, logFile);
  await server.start();
  return {
    host: '127.0.0.1',
    port,
    serverName,
    password,
    caFile: certs.caFile,
    logFile,
    start: server.start,
    stop: () => server.stop('SIGKILL'), // as a crash: connections drop at once
  };
}

export interface IrcPeer {
  readonly nick: string;
  readonly received: { from: string; body: string }[];
  /** Called for every private message received (scripted people answer through it). */
  onMessage: ((message: { from: string; body: string }) => void) | undefined;
  receive(match: (body: string) => boolean, timeoutMs?: number): Promise<{ from: string; body: string }>;
  say(to: string, body: string): Promise<void>;
  away(message: string): void;
  back(): void;
  quit(): Promise<void>;
}

/** Another person on IRC (the test CA is trusted through NODE_EXTRA_CA_CERTS, set by global setup). */
export async function startIrcPeer(server: IrcServer, nick: string): Promise<IrcPeer> {
  const client = new Client();
  const received: { from: string; body: string }[] = [];
  const arrivals = new EventEmitter();
  client.on('privmsg', (event: { nick: string; message: string; target: string }) => {
    if (event.target.toLowerCase() !== nick.toLowerCase()) return;
    received.push({ from: event.nick, body: event.message });
    handle.onMessage?.({ from: event.nick, body: event.message });
    arrivals.emit('message');
  });
  client.connect({ host: server.host, port: server.port, servername: server.serverName, transport: VerifiedTlsTransport, nick, username: nick.slice(0, 10), gecos: nick, password: server.password, auto_reconnect: false });
  // Registration fails loudly (a refused nick, a closed connection) instead of hanging the test.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${nick} could not sign in to IRC within 15 s`)), 15_000);
    client.once('registered', () => (clearTimeout(timer), resolve()));
    client.once('nick invalid', (e: { reason: string }) => (clearTimeout(timer), reject(new Error(`nick ${nick} refused: ${e.reason}`))));
    client.once('nick in use', () => (clearTimeout(timer), reject(new Error(`nick ${nick} is in use`))));
    client.once('close', () => (clearTimeout(timer), reject(new Error(`${nick}: the IRC connection closed before sign-in`))));
  });
  const handle: IrcPeer = {
    onMessage: undefined,
    nick,
    received,
    async receive(match, timeoutMs = 15_000) {
      return firstMatch(received, (m) => match(m.body), arrivals, 'message', timeoutMs);
    },
    async say(to, body) {
      client.say(to, body);
    },
    away: (message) => client.raw('AWAY', message),
    back: () => client.raw('AWAY'),
    async quit() {
      if (!client.connected) return;
      const closed = once(client, 'close');
      client.quit('bye');
      await closed;
    },
  };
  return handle;
}

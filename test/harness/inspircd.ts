// Starts a real InspIRCd (from Debian) on loopback, TLS only, with MONITOR and IRCv3 capabilities:
// the IRC server that offers what ngIRCd does not, so both presence paths are tested.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeCertificates } from './certs';
import type { IrcServer } from './ngircd';
import { freePort } from './ports';
import { serverProcess } from './server-process';
import { ensureTestCa } from './test-ca';

export async function startInspircd(serverName = 'irc2.switchboard.test'): Promise<IrcServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-inspircd-'));
  fs.chmodSync(dir, 0o755);
  const certs = makeCertificates(dir, serverName, ensureTestCa().dir);
  const port = await freePort();
  const password = randomBytes(9).toString('hex');
  const logFile = path.join(dir, 'ircd.log');
  fs.writeFileSync(path.join(dir, 'motd'), 'Switchboard test server\n');
  const config = path.join(dir, 'inspircd.conf');
  fs.writeFileSync(
    config,
    `# rendered by test/harness/inspircd.ts for one test run
<server name="${serverName}" description="Switchboard test" network="SwitchboardTest">
<admin name="Test" nick="test" email="test@switchboard.test">
<module name="ssl_gnutls">
<sslprofile name="tls" provider="gnutls" certfile="${certs.certFile}" keyfile="${certs.keyFile}" hash="sha256" requestclientcert="no">
<bind address="127.0.0.1" port="${port}" type="clients" sslprofile="tls">
<module name="cap">
<module name="monitor">
<module name="ircv3">
<connect allow="*" password="${password}" timeout="60" pingfreq="120" sendq="262144" recvq="8192" threshold="100" commandrate="1000" fakelag="on" localmax="100" globalmax="100" maxconnwarn="off" useident="no" limit="5000">
<files motd="${path.join(dir, 'motd')}">
<pid file="${path.join(dir, 'inspircd.pid')}">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${logFile}">
<security hidewhois="">
<limits maxnick="30">
<dns timeout="1">
`,
  );
  const args = ['--nofork', `--config=${config}`, ...(process.getuid?.() === 0 ? ['--runasroot'] : [])];
  const server = serverProcess('InspIRCd', '/usr/sbin/inspircd', args, port, path.join(dir, 'stdout.log'), logFile);
  await server.start();
  return {
    host: '127.0.0.1',
    port,
    serverName,
    password,
    caFile: certs.caFile,
    logFile,
    start: server.start,
    stop: () => server.stop('SIGKILL'),
  };
}

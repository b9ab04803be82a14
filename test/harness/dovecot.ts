// Starts a real IMAP server (Dovecot from Debian) on a free loopback port, with a certificate from the
// run's CA, one mailbox user, and mail stored in a temp folder. Mail reaches it by IMAP APPEND, as a
// delivery agent (Dovecot's LMTP, or any MTA) would put it in the INBOX.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { makeCertificates } from './certs';
import { freePort } from './ports';
import { serverProcess } from './server-process';
import { ensureTestCa } from './test-ca';

export interface ImapServer {
  readonly host: string;
  readonly port: number;
  readonly caFile: string;
  readonly user: string;
  readonly password: string;
  /** Puts a mail (RFC 5322 text) in the user's INBOX, as delivery would. */
  deliver(raw: string): Promise<void>;
  /** Stops the server as an administrator's restart does (its clients are cut off), keeping its mail. */
  halt(): Promise<void>;
  /** Starts it again after `halt`, on the same port with the same mail. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const DOVECOT = '/usr/sbin/dovecot';

/** `login`: the mailbox's user name and password (a provider's SMTP and IMAP take the same ones). */
export async function startDovecot(domain = 'imap.switchboard.test', login?: { user: string; password: string }): Promise<ImapServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-dovecot-'));
  const certs = makeCertificates(dir, domain, ensureTestCa().dir);
  const port = await freePort();
  const user = login?.user ?? 'me';
  const password = login?.password ?? randomBytes(9).toString('base64url');
  fs.mkdirSync(path.join(dir, 'run'));
  fs.mkdirSync(path.join(dir, 'mail'));
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  // Dovecot's auth process runs as its own user and must reach the password file.
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(path.join(dir, 'passwd'), 0o644);
  // Dovecot will not keep mail as root: as root (CI), the mail is kept as Debian's "mail" user.
  let uid = process.getuid?.() ?? 0;
  let gid = process.getgid?.() ?? 0;
  if (uid === 0) {
    const entry = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('mail:'))?.split(':');
    uid = Number(entry?.[2] ?? 8);
    gid = Number(entry?.[3] ?? 8);
    fs.chownSync(path.join(dir, 'mail'), uid, gid);
  }
  const config = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    config,
    `# rendered by test/harness/dovecot.ts for one test run
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/run
log_path = ${dir}/dovecot.log
ssl = required
ssl_cert = <${certs.certFile}
ssl_key = <${certs.keyFile}
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`,
  );
  const server = serverProcess('the IMAP server (Dovecot)', DOVECOT, ['-F', '-c', config], port, path.join(dir, 'stdout.log'), path.join(dir, 'dovecot.log'));
  await server.start();
  const caFile = certs.caFile;
  return {
    host: '127.0.0.1',
    port,
    caFile,
    user,
    password,
    async deliver(raw) {
      const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: true, auth: { user, pass: password }, tls: { ca: fs.readFileSync(caFile), servername: domain }, logger: false });
      await client.connect();
      try {
        await client.append('INBOX', raw);
      } finally {
        await client.logout();
      }
    },
    halt: () => server.stop('SIGTERM'),
    restart: () => server.start(),
    stop: () => server.stop('SIGTERM'),
  };
}

// What the e-mail tests share: the user's e-mail account on the harness's SMTP and IMAP servers (one
// login for both, as a provider's) with Jane as the one person, and a raw mail to put in the mailbox.
import type { ImapServer } from './dovecot';
import type { SmtpServer } from './smtp';

/** A mail as it sits in a mailbox: the headers given, with a date and a MIME version, then the body (CRLF). */
export const rawMail = (headers: Record<string, string>, body: string): string =>
  `${Object.entries({ Date: new Date().toUTCString(), 'MIME-Version': '1.0', ...headers })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`;

/** Settings with the e-mail account (sending on `smtp`, reading on `imap`) and Jane on it. */
export const emailSettings = (smtp: SmtpServer, imap: ImapServer) => ({
  accounts: {
    email: {
      plugin: 'email',
      address: 'me@example.test',
      server: 'mail.switchboard.test',
      host: smtp.host,
      port: smtp.port,
      user: smtp.user,
      password: smtp.password,
      caFile: smtp.caFile,
      imapServer: 'imap.switchboard.test',
      imapHost: imap.host,
      imapPort: imap.port,
    },
  },
  contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { email: 'jane@example.org' } }],
});

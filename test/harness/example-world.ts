// The world of the original design's worked example (US 7,284,034, figs. 9 to 12), live on loopback:
// IM system 1 is XMPP (Prosody), IM system 2 is IRC (ngIRCd), e-mail is SMTP (aiosmtpd), the pager is
// an SMS gateway (Kannel with fakesmsc as the phones). Five people, each reachable where the example
// says, played by real clients:
//   Jerry Jones  — on both IM systems, available            → reached by IM system 1
//   Jane Doe     — IM 1 address but not signed in; on IM 2, away; pager; e-mail → IM 1 fails, IM 2 reaches her
//   Frank White  — IM addresses where he is not; pager only, no presence → reached by pager
//   John Smith   — IM 2, e-mail and pager
//   Pamela White — IM 1 and e-mail
// The configuration: try IM 1 where the person is shown available, then IM 2, then the pager.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SettingsInput } from '../../shared/settings';
import { startDovecot, type ImapServer } from './dovecot';
import { startKannel, type KannelGateway } from './kannel';
import { freePort } from './ports';
import { startIrcPeer, startNgircd, type IrcPeer, type IrcServer } from './ngircd';
import { startPeer, type Peer } from './peer';
import { startProsody, type ProsodyServer } from './prosody';
import { startSmtp, type ReceivedMail, type SmtpServer } from './smtp';

/** An answer to a mail, as a person's mail client writes it: linked to it, quoting it below. */
export function answerMail(from: { name: string; address: string }, to: ReceivedMail, words = `Thanks, got it. - ${from.name.split(' ')[0]}`): string {
  const quote = to.body.split('\n').map((l) => `> ${l}`).join('\r\n');
  return [
    `From: ${from.name} <${from.address}>`,
    'To: me@example.test',
    `Subject: Re: ${to.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomBytes(8).toString('hex')}@example.org>`,
    `In-Reply-To: ${to.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    words,
    '',
    `On ${new Date().toUTCString()}, Me Myself wrote:`,
    quote,
    '',
  ].join('\r\n');
}

export interface ExampleWorld {
  readonly configDir: string;
  readonly settings: SettingsInput;
  readonly servers: { im1: ProsodyServer; im2: IrcServer; mail: SmtpServer; imap: ImapServer; pager: KannelGateway };
  readonly people: {
    jerry: { im1: Peer; im2: IrcPeer };
    jane: { im2: IrcPeer; pager: string; email: string };
    frank: { pager: string };
    john: { im2: IrcPeer; email: string; pager: string };
    pamela: { im1: Peer; email: string };
  };
  /** The user's own IM 1 address (where the people's replies go). */
  readonly myIm1: string;
  stop(): Promise<void>;
}

export async function startExampleWorld(options: { replies?: boolean } = {}): Promise<ExampleWorld> {
  // Replies to pages come back through the gateway to Switchboard's SMS listener, on a port fixed here.
  const incoming = { port: await freePort(), secret: randomBytes(16).toString('hex') };
  const [im1, im2, mail, pager] = await Promise.all([startProsody({ domain: 'im1.example.test' }), startNgircd('im2.example.test'), startSmtp('mail.example.test'), startKannel({ incoming })]);
  // My mailbox, where answers to my e-mails arrive: same login as the submission server, as a provider's.
  const imap = await startDovecot('imap.example.test', { user: mail.user, password: mail.password });
  const me = im1.createAccount('me');
  const jerry1 = im1.createAccount('jerry');
  const jane1 = im1.createAccount('jane');
  const frank1 = im1.createAccount('frank');
  const pamela1 = im1.createAccount('pamela');
  const xmppPeer = (a: { jid: string; password: string }) => startPeer({ service: im1.service, domain: im1.domain, ...a });

  const people = {
    jerry: { im1: await xmppPeer(jerry1), im2: await startIrcPeer(im2, 'JerryJones') },
    jane: { im2: await startIrcPeer(im2, 'JaneDoe'), pager: '+15550102', email: 'jane.doe@example.org' },
    frank: { pager: '+15550103' },
    john: { im2: await startIrcPeer(im2, 'JohnSmith'), email: 'john.smith@example.org', pager: '+15550104' },
    pamela: { im1: await xmppPeer(pamela1), email: 'pamela.white@example.org' },
  };
  people.jane.im2.away('In a meeting');
  if (options.replies) {
    // Scripted people answer, as people do, on the system the message came by.
    people.jerry.im1.onMessage = (m) => void people.jerry.im1.say(m.from.split('/')[0]!, `Got it — Jerry. ("${m.body.slice(0, 40)}")`);
    people.pamela.im1.onMessage = (m) => void people.pamela.im1.say(m.from.split('/')[0]!, `Thanks! — Pamela`);
    people.jerry.im2.onMessage = (m) => void people.jerry.im2.say(m.from, `Got it on IRC — Jerry`);
    people.jane.im2.onMessage = (m) => void people.jane.im2.say(m.from, `I'm in a meeting, will read this later — Jane`);
    people.john.im2.onMessage = (m) => void people.john.im2.say(m.from, `John here, thanks.`);
    // Jane, John and Pamela answer e-mails by e-mail, quoting the message as mail clients do.
    const writers = [
      { name: 'Jane Doe', address: people.jane.email },
      { name: 'John Smith', address: people.john.email },
      { name: 'Pamela White', address: people.pamela.email },
    ];
    mail.onMail = (m) => {
      const who = writers.find((w) => m.to.includes(w.address));
      if (who) void imap.deliver(answerMail(who, m)).catch(() => undefined);
    };
    // Frank has only a pager, and answers a page from it by SMS.
    pager.onPage = (page) => {
      if (page.to === people.frank.pager) void pager.send(people.frank.pager, '12345', 'Got your page, calling you back - Frank');
    };
  }

  const settings: SettingsInput = {
    profile: { name: 'Me Myself' },
    accounts: {
      im1: { plugin: 'xmpp', jid: me.jid, password: me.password, service: im1.service, caFile: im1.caFile },
      im2: { plugin: 'irc', server: im2.serverName, host: im2.host, port: im2.port, nick: 'MeMyself', password: im2.password, caFile: im2.caFile, pollSeconds: 2, lineIntervalMs: 100 },
      email: {
        plugin: 'email',
        address: 'me@example.test',
        server: 'mail.example.test',
        host: mail.host,
        port: mail.port,
        user: mail.user,
        password: mail.password,
        caFile: mail.caFile,
        imapServer: 'imap.example.test',
        imapHost: imap.host,
        imapPort: imap.port,
      },
      pager: { plugin: 'sms', sendsmsUrl: pager.sendsmsUrl, username: pager.username, password: pager.password, callbackPort: incoming.port, incomingSecret: incoming.secret },
    },
    contacts: [
      { id: 'jerry', name: 'Jerry Jones', addresses: { im1: jerry1.jid, im2: 'JerryJones' } },
      { id: 'jane', name: 'Jane Doe', addresses: { im1: jane1.jid, im2: 'JaneDoe', pager: people.jane.pager, email: people.jane.email } },
      { id: 'frank', name: 'Frank White', addresses: { im1: frank1.jid, im2: 'FrankWhite', pager: people.frank.pager } },
      { id: 'john', name: 'John Smith', addresses: { im2: 'JohnSmith', email: people.john.email, pager: people.john.pager } },
      { id: 'pamela', name: 'Pamela White', addresses: { im1: pamela1.jid, email: people.pamela.email } },
    ],
    delivery: {
      managers: {
        sequential: {
          configurations: {
            Normal: [{ mechanism: 'im1', verify: 'available' }, 'im2', 'pager'],
            Urgent: [{ mechanism: 'im1', verify: 'available' }, 'im2', 'pager', 'email'],
          },
        },
      },
      rules: [],
    },
  };
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-example-'));
  fs.writeFileSync(path.join(configDir, 'settings.json'), JSON.stringify(settings, null, 2));

  return {
    configDir,
    settings,
    servers: { im1, im2, mail, imap, pager },
    people,
    myIm1: me.jid,
    async stop() {
      await Promise.all([people.jerry.im1.offline(), people.pamela.im1.offline(), people.jerry.im2.quit(), people.jane.im2.quit(), people.john.im2.quit()]);
      await Promise.all([im1.stop(), im2.stop(), mail.stop(), imap.stop(), pager.stop()]);
    },
  };
}

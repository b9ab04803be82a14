// The mailbox's server goes away and comes back (a real Dovecot, stopped while Switchboard follows the
// INBOX with IDLE, then started again on the same port): the account says that replies cannot be read
// meanwhile, sending still counts as working, and once the server is back a reply lands in the
// person's conversation, once, with nothing read before shown again. A mailbox that refuses the
// password says so in the account's status too (not only sending's check does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import type { AccountView } from '../../shared/views';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startDovecot, type ImapServer } from '../harness/dovecot';
import { emailSettings, rawMail } from '../harness/mail-world';
import { startSmtp, type SmtpServer } from '../harness/smtp';

let smtp: SmtpServer;
const imaps: ImapServer[] = [];
const cores: CoreHarness[] = [];

beforeAll(async () => {
  smtp = await startSmtp('mail.switchboard.test');
});
afterAll(async () => {
  for (const core of cores) await core.stop().catch(() => undefined);
  for (const imap of imaps) await imap.stop();
  await smtp?.stop();
});

const mail = (headers: Record<string, string>, body: string) => rawMail({ 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body);
const settingsFor = (imap: ImapServer) => emailSettings(smtp, imap);

const account = (accounts: AccountView[]) => accounts.find((a) => a.id === 'email');

describe('the mailbox’s server going away', () => {
  it('says replies cannot be read while it is away, and takes the reply that comes once it is back, once', async () => {
    const imap = await startDovecot('imap.switchboard.test', { user: smtp.user, password: smtp.password });
    imaps.push(imap);
    const h = startCore(settingsFor(imap));
    cores.push(h);
    const shown = (body: string) => h.event('messages:changed', (m: MessageView) => m.direction === 'in' && m.body === body);

    // Connected and following the INBOX: a first mail comes in.
    await imap.deliver(mail({ From: 'Jane Doe <jane@example.org>', To: 'me@example.test', Subject: 'Hello', 'Message-ID': '<d1@example.org>' }, 'Are you there?'));
    await shown('Are you there?');
    await h.event('accounts:changed', (accounts) => account(accounts)?.state === 'active' && account(accounts)?.activity === undefined);

    await imap.halt();
    const away = await h.event('accounts:changed', (accounts) => /^Sending works, but replies cannot be read: .+\. Trying again\.$/.test(account(accounts)?.activity ?? ''));
    // Sending does not depend on the mailbox: the account is still one to send by.
    expect(account(away)?.state).toBe('active');
    expect(account(away)?.activity).not.toMatch(/ECONN|Error|IMAP|imapflow/);
    const sent = await h.call('messages:send', { contactId: 'jane', body: 'Yes, writing now', priority: 'normal' });
    const ours = await smtp.receive((m) => m.switchboardId === sent.id);

    await imap.restart();
    await imap.deliver(
      mail(
        { From: 'Jane Doe <jane@example.org>', To: 'me@example.test', Subject: 'Re: Yes', 'Message-ID': '<d2@example.org>', 'In-Reply-To': ours.messageId },
        'Got it after the restart.\n\nOn Tue, 1 Dec 2026, Me wrote:\n> Yes, writing now\n',
      ),
    );
    expect((await shown('Got it after the restart.')).contactId).toBe('jane');
    const seenAt = (payload: unknown) => h.seen.findIndex((e) => e.payload === payload);
    const back = await h.event('accounts:changed', (accounts) => seenAt(accounts) > seenAt(away) && account(accounts)?.state === 'active' && account(accounts)?.activity === undefined);
    expect(account(back)?.reason).toBeUndefined();
    // Her answer proves ours reached her.
    await h.event('messages:changed', (m: MessageView) => m.id === sent.id && m.state === 'delivered');

    const conversation = await h.call('messages:list', { contactId: 'jane' });
    expect(conversation.map((m) => [m.direction, m.body])).toEqual([
      ['in', 'Are you there?'],
      ['out', 'Yes, writing now'],
      ['in', 'Got it after the restart.'],
    ]);
  }, 90_000);

  it('says so when the mailbox refuses the password, though sending takes it', async () => {
    const imap = await startDovecot('imap.switchboard.test', { user: smtp.user, password: 'not-the-smtp-password' });
    imaps.push(imap);
    const h = startCore(settingsFor(imap));
    cores.push(h);
    const refused = await h.event('accounts:changed', (accounts) => /replies cannot be read/.test(account(accounts)?.activity ?? ''));
    expect(account(refused)).toMatchObject({
      state: 'active',
      activity: "Sending works, but replies cannot be read: the mail server refused the user name or password: check them in the account's settings.",
    });
  }, 60_000);
});

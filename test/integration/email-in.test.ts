// E-mail in, against a real Dovecot (IMAP with STARTTLS, its certificate from the run's CA) and a
// real SMTP server (aiosmtpd): Jane answers an e-mail and her answer lands in her one conversation as
// text (her quote of ours and her signature cut; an HTML-only mail reduced to text) and marks ours
// delivered, where a stranger's claim to answer it does not; a newsletter from her is left alone; a stranger's mail waits in New people; and mail that
// came while Switchboard was closed arrives once when it starts again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, NewPeopleView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startDovecot, type ImapServer } from '../harness/dovecot';
import { emailSettings, rawMail } from '../harness/mail-world';
import { startSmtp, type SmtpServer } from '../harness/smtp';

let imap: ImapServer;
let smtp: SmtpServer;
const cores: CoreHarness[] = [];

beforeAll(async () => {
  smtp = await startSmtp('mail.switchboard.test');
  imap = await startDovecot('imap.switchboard.test', { user: smtp.user, password: smtp.password });
});
afterAll(async () => {
  for (const core of cores) await core.stop().catch(() => undefined);
  await imap?.stop();
  await smtp?.stop();
});

const mail = rawMail;

describe('e-mail in', () => {
  it('lands replies in the person’s conversation as text, takes them as proof of delivery, leaves bulk mail alone, and catches up after a restart', async () => {
    const settings = emailSettings(smtp, imap);
    const h = startCore(settings);
    cores.push(h);
    await h.event('mechanisms:changed', (views) => views.some((v) => v.id === 'email'));
    const shown = (core: CoreHarness, body: string) => core.event('messages:changed', (m: MessageView) => m.direction === 'in' && m.body === body);

    const sent = await h.call('messages:send', { contactId: 'jane', body: 'Lunch at noon?', priority: 'normal' });
    const ours = await smtp.receive((m) => m.switchboardId === sent.id);
    // Someone else claims to answer it: no evidence. Then Jane answers it, quoting it.
    await imap.deliver(mail({ From: 'Mallory <mallory@elsewhere.example>', To: 'me@example.test', Subject: 'Re: Lunch', 'In-Reply-To': ours.messageId, 'Content-Type': 'text/plain' }, 'I got it, honest'));
    await h.event('strangers:changed', (v: NewPeopleView) => v.total === 1);
    expect((await h.call('messages:list', { contactId: 'jane' })).find((m) => m.id === sent.id)?.state).toBe('sent');
    await imap.deliver(
      mail(
        { From: 'Jane Doe <jane@example.org>', To: 'me@example.test', Subject: 'Re: Lunch', 'Message-ID': '<r1@example.org>', 'In-Reply-To': ours.messageId, 'Content-Type': 'text/plain; charset=utf-8' },
        'Sounds good, see you at noon.\n\nOn Tue, 1 Dec 2026, Me Myself wrote:\n> Lunch at noon?\n',
      ),
    );
    expect((await shown(h, 'Sounds good, see you at noon.')).contactId).toBe('jane');
    // Her answer proves our mail reached her (Mallory's, a stranger's, proved nothing).
    const reached = await h.event('messages:changed', (m: MessageView) => m.id === sent.id && m.state === 'delivered');
    expect(reached.state).toBe('delivered');

    await imap.deliver(mail({ From: 'Jane Doe <jane@example.org>', To: 'me@example.test', Subject: 'News', 'List-Id': '<news.example.org>', 'Content-Type': 'text/plain' }, 'Our weekly newsletter'));
    await imap.deliver(
      mail({ From: 'Jane Doe <jane@example.org>', To: 'me@example.test', Subject: 'Fancy', 'Content-Type': 'text/html; charset=utf-8' }, '<p>Written in <b>HTML</b></p>\n<p>-- <br>Jane</p>'),
    );
    const html = await h.event('messages:changed', (m: MessageView) => m.direction === 'in' && m.body.startsWith('Written in'));
    expect(html.body).toMatch(/^Written in HTML/);
    expect(html.body).not.toContain('<');

    // Garbage in the mailbox (no headers, bytes that are no text, a From that is no address) lands nowhere and holds nothing back.
    await imap.deliver('\u0000\u0001\u00ff not a mail at all \r\n\r\n\u0000');
    await imap.deliver(mail({ From: '"Nobody" <>', To: 'me@example.test', Subject: 'x', 'Content-Type': 'text/plain' }, 'no sender'));
    const stranger = h.event('strangers:changed', (v: NewPeopleView) => v.total === 2);
    await imap.deliver(mail({ From: 'Someone <someone@elsewhere.example>', To: 'me@example.test', Subject: 'Hello', 'Content-Type': 'text/plain' }, 'Do we know each other?'));
    expect((await stranger).people.map((p) => p.firstMessage)).toEqual(['Do we know each other?', 'I got it, honest']);

    await h.stop();
    // Closed: one more answer comes.
    await imap.deliver(
      mail({ From: 'Jane Doe <jane@example.org>', To: 'me@example.test', Subject: 'Also', 'Content-Type': 'text/plain' }, 'One more thing while you were away.\n\n-- \nJane Doe, Example Ltd'),
    );
    const again = startCore(settings, { dir: h.dir });
    cores.push(again);
    await shown(again, 'One more thing while you were away.');
    const conversation = await again.call('messages:list', { contactId: 'jane' });
    expect(conversation.map((m) => m.body.split('\n')[0])).toEqual(['Lunch at noon?', 'Sounds good, see you at noon.', expect.stringMatching(/^Written in HTML/), 'One more thing while you were away.']);
  });
});

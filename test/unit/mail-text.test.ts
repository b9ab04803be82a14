// What of a mail lands in the conversation: the person's new words, without the quote of ours or
// their signature; bulk mail is told apart by its headers; a reply to ours by its references.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { answeredIds, answersOurs, isBulk, newText } from '../../plugins/email/inbox';

const parse = (headers: string, body = 'Hi') => simpleParser(`${headers}\r\nContent-Type: text/plain\r\n\r\n${body}\r\n`);

describe('newText', () => {
  it('keeps what was written above the quote and the signature', () => {
    expect(newText('Yes.\n\nOn Tue, 1 Dec 2026, Me wrote:\n> Lunch?')).toBe('Yes.');
    expect(newText('Yes.\nOn Tue, 1 Dec 2026 at 10:00, Me Myself <me@example.test>\nwrote:\n> Lunch?')).toBe('Yes.');
    expect(newText('Yes.\n-- \nJane Doe\nExample Ltd')).toBe('Yes.');
    expect(newText('Yes.\n\n-----Original Message-----\nFrom: me')).toBe('Yes.');
    expect(newText('Line one\nLine two')).toBe('Line one\nLine two');
  });
});

describe('which mail', () => {
  it('leaves lists, bulk and automatic mail alone, and keeps what a person wrote', async () => {
    expect(isBulk(await parse('From: a@example.org\r\nList-Id: <news.example.org>'))).toBe(true);
    expect(isBulk(await parse('From: a@example.org\r\nPrecedence: bulk'))).toBe(true);
    expect(isBulk(await parse('From: a@example.org\r\nAuto-Submitted: auto-replied'))).toBe(true);
    expect(isBulk(await parse('From: a@example.org\r\nAuto-Submitted: no'))).toBe(false);
    expect(isBulk(await parse('From: a@example.org'))).toBe(false);
  });

  it('knows a reply to a mail Switchboard sent', async () => {
    expect(answersOurs(await parse('From: a@example.org\r\nIn-Reply-To: <m1@switchboard.invalid>'))).toBe(true);
    expect(answersOurs(await parse('From: a@example.org\r\nReferences: <x@example.org> <m1@switchboard.invalid>'))).toBe(true);
    expect(answersOurs(await parse('From: a@example.org\r\nIn-Reply-To: <x@example.org>'))).toBe(false);
    expect(answeredIds(await parse('From: a@example.org\r\nIn-Reply-To: <m2@switchboard.invalid>\r\nReferences: <m1@switchboard.invalid> <m2@switchboard.invalid>'))).toEqual(['m2', 'm1']);
  });
});

// A hand-edited settings file with mistakes in it, through the real core: the window (app:state) says
// in plain words what was skipped and why, the contacts and accounts that are right load and work, and
// the file keeps what the user wrote.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { standInKeychain } from '../harness/stand-in-keychain';
import { xmppAccount } from '../harness/xmpp-world';

let server: ProsodyServer;
const cores: CoreHarness[] = [];
beforeAll(async () => {
  server = await startProsody({ domain: 'settings.switchboard.test' });
});
afterEach(async () => Promise.all(cores.splice(0).map((c) => c.stop())));
afterAll(async () => server?.stop());

/** A zod path or zod's own wording: never to be seen in the window. */
const developerWords = /contacts\.\d|accounts\.|\bjid\b|Invalid input|Unrecognized key|expected string|received undefined/;

describe('a settings file with one bad contact and one bad account', () => {
  it('loads the rest, and the window names what was skipped in plain words', async () => {
    const me = server.createAccount('me');
    const friend = server.createAccount('friend');
    const contacts = [
      { id: 'ann', name: 'Ann', addresses: { im: friend.jid } },
      { id: 'bob', name: 'Bob', addresses: { im: `bob@${'settings.switchboard.test'}` } },
      { id: 'jane', name: 'Jane Doe', addresses: { im: '' } },
    ];
    const settings = {
      accounts: {
        im: xmppAccount(server, me),
        broken: { plugin: 'xmpp', password: 'x' },
      },
      contacts,
    };
    // With a keychain the password found in clear is sealed at start: the file is written over once.
    const h = startCore(settings as never, { secrets: standInKeychain() });
    cores.push(h);

    expect((await h.call('contacts:list', {})).map((c) => c.name).sort()).toEqual(['Ann', 'Bob']);
    // The good account signs in although the other one cannot be used.
    await h.event('mechanisms:changed', (list) => list.some((m) => m.id === 'im' && m.state === 'active'));

    const { problems } = await h.call('app:state', {});
    expect(problems).toContain('The contact "Jane Doe" (the 3rd in the file) was skipped: its address on "im" is empty. It is kept in the file as it is; fix it there and restart.');
    expect(problems).toContain('Your Jabber / XMPP account "broken" was not started: Address (name@server) is missing. Fix it in Settings.');
    for (const problem of problems) expect(problem).not.toMatch(developerWords);

    // The file was rewritten (the password sealed), and what the user wrote is still in it to fix.
    const file = JSON.parse(fs.readFileSync(path.join(h.dir, 'settings.json'), 'utf8')) as { contacts: unknown[]; accounts: Record<string, { password: unknown }> };
    expect(file.accounts.im!.password).toEqual({ sealed: expect.any(String) });
    expect(file.contacts.map((c) => (c as { name: string }).name)).toEqual(['Ann', 'Bob', 'Jane Doe']);
    expect(file.contacts[2]).toEqual(contacts[2]);
    expect(file.accounts.broken).toEqual({ plugin: 'xmpp', password: { sealed: expect.any(String) } });
  });
});

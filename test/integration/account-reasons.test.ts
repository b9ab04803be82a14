// Why an account cannot connect, as Settings shows it, against a real Prosody through the real core:
// a wrong password, a closed port, a server name that does not exist and a certificate from an
// authority nobody trusts each give a sentence a person can act on — while it retries too — and
// never the error code that used to be only in the terminal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/views';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { freePort } from '../harness/ports';
import { startProsody, type ProsodyServer } from '../harness/prosody';

let server: ProsodyServer;
let untrusted: ProsodyServer;
const cores: CoreHarness[] = [];
beforeAll(async () => {
  // The second is signed by a CA of its own, which neither the system nor the account's caFile knows.
  [server, untrusted] = await Promise.all([
    startProsody({ domain: 'reasons.switchboard.test' }),
    startProsody({ domain: 'untrusted.switchboard.test', caDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sb-other-ca-')) }),
  ]);
});
afterEach(async () => Promise.all(cores.splice(0).map((c) => c.stop())));
afterAll(async () => Promise.all([server?.stop(), untrusted?.stop()]));

const codes = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|SELF_SIGNED\w*|UNABLE_TO\w*|not-authorized|SASL)\b/;

/** Starts the core with one account and waits for Settings to show it in `state` with a reason. */
async function reasonFor(account: Record<string, unknown>, state: AccountView['state'], plugin = 'xmpp'): Promise<string> {
  const h = startCore({ accounts: { im: { plugin, ...account } } });
  cores.push(h);
  const list = await h.event('accounts:changed', (l) => l.some((a) => a.id === 'im' && a.state === state && a.reason !== undefined), 40_000);
  const shown = list.find((a) => a.id === 'im')!;
  // The same words in the list Settings asks for, and in the mechanisms' list.
  expect((await h.call('accounts:list', {})).find((a) => a.id === 'im')?.reason).toBe(shown.reason);
  expect((await h.call('mechanisms:list', {})).find((m) => m.id === 'im')?.reason).toBe(shown.reason);
  expect(shown.reason).not.toMatch(codes);
  return shown.reason!;
}

describe('why an account cannot connect, in words', () => {
  it('a wrong password: the server refused the user name or password', async () => {
    const me = server.createAccount('me');
    const reason = await reasonFor({ jid: me.jid, password: 'not-the-password', service: server.service, caFile: server.caFile }, 'inactive');
    expect(reason).toBe("The server refused the user name or password: check them in the account's settings and enter the password again.");
  });

  it('a closed port on this computer: cannot reach the server, is it running, is the port right — while it keeps trying', async () => {
    const port = await freePort();
    const me = server.createAccount('me');
    const reason = await reasonFor({ jid: me.jid, password: me.password, service: `xmpp://127.0.0.1:${port}`, caFile: server.caFile }, 'connecting');
    expect(reason).toBe(`Cannot reach the server 127.0.0.1:${port}: nothing answers there. Check that the server is running and that the port in the account's settings is right.`);
  });

  it('a server name that does not exist: cannot find the server, check its name — while it keeps trying', async () => {
    const reason = await reasonFor({ jid: 'me@chat.switchboard.invalid', password: 'secret', service: 'xmpp://chat.switchboard.invalid:5222' }, 'connecting');
    expect(reason).toMatch(/^Cannot find the server chat\.switchboard\.invalid: check the server name in the account's settings/);
  });

  it('a certificate from an authority not trusted: says to name its CA, or that someone may be impersonating the server', async () => {
    const me = untrusted.createAccount('me');
    const reason = await reasonFor({ jid: me.jid, password: me.password, service: untrusted.service, caFile: process.env.NODE_EXTRA_CA_CERTS! }, 'inactive');
    expect(reason).toMatch(/^The server's certificate is not signed by an authority this computer trusts: .*certificate of its authority \(CA\).*impersonating/);
  });
});

describe('the same words whichever kind of account', () => {
  const cannotReach = (port: number) =>
    `Cannot reach the server 127.0.0.1:${port}: nothing answers there. Check that the server is running and that the port in the account's settings is right.`;

  it('IRC, e-mail and SMS on a closed port: cannot reach the server, while they keep trying', async () => {
    const [irc, mail, sms] = await Promise.all([freePort(), freePort(), freePort()]);
    expect(await reasonFor({ server: 'irc.switchboard.test', host: '127.0.0.1', port: irc, nick: 'Me' }, 'connecting', 'irc')).toBe(cannotReach(irc));
    expect(await reasonFor({ address: 'me@mail.switchboard.test', server: 'mail.switchboard.test', host: '127.0.0.1', port: mail, user: 'me', password: 'secret' }, 'connecting', 'email')).toBe(cannotReach(mail));
    expect(await reasonFor({ sendsmsUrl: `http://127.0.0.1:${sms}/cgi-bin/sendsms`, username: 'me', password: 'secret' }, 'connecting', 'sms')).toBe(cannotReach(sms));
  });

  it('IRC and e-mail at a server name that does not exist: cannot find the server', async () => {
    expect(await reasonFor({ server: 'irc.switchboard.invalid', nick: 'Me' }, 'connecting', 'irc')).toMatch(/^Cannot find the server irc\.switchboard\.invalid: check the server name/);
    expect(await reasonFor({ address: 'me@mail.switchboard.invalid', server: 'mail.switchboard.invalid', user: 'me', password: 'secret' }, 'connecting', 'email')).toMatch(
      /^Cannot find the server mail\.switchboard\.invalid: check the server name/,
    );
  });
});

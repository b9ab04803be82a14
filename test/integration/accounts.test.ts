// Accounts: validated on save with clear errors, and passwords sealed by the OS keychain where there
// is one, so the settings file never holds them in clear. Electron's safeStorage cannot run here; a
// stand-in keychain (test/harness/stand-in-keychain.ts) plays its part.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { makeCertificates } from '../harness/certs';
import { standInKeychain } from '../harness/stand-in-keychain';
import { ensureTestCa } from '../harness/test-ca';
import { xmppAccount } from '../harness/xmpp-world';

let server: ProsodyServer;
const cores: CoreHarness[] = [];
beforeAll(async () => {
  server = await startProsody({ domain: 'accounts.switchboard.test' });
});
afterEach(async () => Promise.all(cores.splice(0).map((c) => c.stop())));
afterAll(async () => server?.stop());

const fileOf = (h: CoreHarness) => fs.readFileSync(path.join(h.dir, 'settings.json'), 'utf8');

/**
 * Just enough of an IRC server over verified TLS to take a SASL PLAIN sign-in (no IRC server shipped
 * by Debian does SASL without services): it offers the sasl capability and reports what it was sent.
 */
async function fakeIrcServer() {
  const serverName = 'irc.sasl.switchboard.test';
  const certs = makeCertificates(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sasl-')), serverName, ensureTestCa().dir);
  let received!: (text: string) => void;
  const authentication = new Promise<string>((resolve) => (received = resolve));
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ cert: fs.readFileSync(certs.certFile), key: fs.readFileSync(certs.keyFile) }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let buffer = '';
    socket.on('data', (data: Buffer) => {
      buffer += data.toString('utf8');
      const lines = buffer.split('\r\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('CAP LS')) socket.write(`:${serverName} CAP * LS :sasl\r\n`);
        else if (line.startsWith('CAP REQ')) socket.write(`:${serverName} CAP * ACK :sasl\r\n`);
        else if (line === 'AUTHENTICATE PLAIN') socket.write('AUTHENTICATE +\r\n');
        else if (line.startsWith('AUTHENTICATE ')) received(Buffer.from(line.slice('AUTHENTICATE '.length), 'base64').toString('utf8'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    serverName,
    caFile: certs.caFile,
    port: (server.address() as { port: number }).port,
    authentication,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
const active = (h: CoreHarness, id: string) => h.event('mechanisms:changed', (list) => list.some((m) => m.id === id && m.state === 'active'));

describe('accounts', () => {
  it('seals a password found in clear, and still signs in with it', async () => {
    const me = server.createAccount('me');
    const h = startCore({ accounts: { im: xmppAccount(server, me) } }, { secrets: standInKeychain() });
    cores.push(h);
    await active(h, 'im');
    const file = fileOf(h);
    expect(file).not.toContain(me.password);
    expect(JSON.parse(file).accounts.im.password).toEqual({ sealed: expect.any(String) });
  });

  it('saves a valid account sealed, refuses a bad one with the field named, and keeps a saved password when left empty', async () => {
    const me = server.createAccount('me');
    const h = startCore({}, { secrets: standInKeychain() });
    cores.push(h);
    expect((await h.call('accounts:kinds', {})).map((k) => k.kind)).toEqual(['xmpp', 'irc', 'email', 'sms']);

    await expect(h.call('accounts:save', { id: 'im', kind: 'xmpp', values: { jid: 'no at sign', password: 'x', service: 'http://wrong' } })).rejects.toThrow(
      'invalid-payload: The Jabber / XMPP account "im" was not saved: Address (name@server) must look like name@server; Server to dial (xmpp://host:port) must look like xmpp://host:port.',
    );
    expect(fs.existsSync(path.join(h.dir, 'settings.json')) ? JSON.parse(fileOf(h)).accounts ?? {} : {}).toEqual({});

    const values = { jid: me.jid, password: me.password, service: server.service, caFile: server.caFile };
    await h.call('accounts:save', { id: 'im', kind: 'xmpp', values });
    await active(h, 'im');
    expect(fileOf(h)).not.toContain(me.password);

    // Changing the account without typing the password again keeps the saved one.
    const mark = h.seen.length;
    await h.call('accounts:save', { id: 'im', kind: 'xmpp', values: { ...values, password: '' } });
    await h.event('mechanisms:changed', (list) => h.seen.length > mark && list.some((m) => m.id === 'im' && m.state === 'active'));
    expect(JSON.parse(fileOf(h)).accounts.im.password).toEqual({ sealed: expect.any(String) });

    expect(await h.call('accounts:remove', { id: 'im' })).toEqual([]);
    expect(JSON.parse(fileOf(h)).accounts).toEqual({});
  });

  it('keeps a saved password only while the server it goes to is the same', async () => {
    const me = server.createAccount('me');
    const values = { jid: me.jid, password: me.password, service: server.service, caFile: server.caFile };
    const h = startCore({ accounts: { im: { plugin: 'xmpp', ...values } } });
    cores.push(h);
    await active(h, 'im');

    // Another server, password left empty: refused, nothing saved, the running account untouched.
    const before = fileOf(h);
    await expect(h.call('accounts:save', { id: 'im', kind: 'xmpp', values: { ...values, password: '', service: 'xmpp://127.0.0.1:9' } })).rejects.toThrow(
      'invalid-payload: The Jabber / XMPP account "im" was not saved: Password: enter it again, because Server to dial (xmpp://host:port) changed (a saved password is only sent where it was saved for).',
    );
    await expect(h.call('accounts:save', { id: 'im', kind: 'xmpp', values: { ...values, password: '', jid: `other@${server.domain}` } })).rejects.toThrow(/Password: enter it again, because Address \(name@server\) changed/);
    expect(fileOf(h)).toBe(before);
    expect(await h.call('mechanisms:list', {})).toEqual([{ id: 'im', kind: 'Jabber / XMPP', state: 'active' }]);

    // The same server, password left empty: the saved one is kept and still signs in.
    const mark = h.seen.length;
    await h.call('accounts:save', { id: 'im', kind: 'xmpp', values: { ...values, password: '' } });
    await h.event('mechanisms:changed', (list) => h.seen.length > mark && list.some((m) => m.id === 'im' && m.state === 'active'));
    expect(JSON.parse(fileOf(h)).accounts.im.password).toBe(me.password);
  });

  it('seals a nested secret (IRC sasl.password) found in clear, and gives it to the plugin opened', async () => {
    const irc = await fakeIrcServer();
    try {
      const account = { plugin: 'irc', server: irc.serverName, host: '127.0.0.1', port: irc.port, nick: 'me', caFile: irc.caFile, sasl: { account: 'me', password: 'sasl secret 42' } };
      const h = startCore({ accounts: { chat: account } }, { secrets: standInKeychain() });
      cores.push(h);
      const file = fileOf(h);
      expect(file).not.toContain('sasl secret 42');
      expect(JSON.parse(file).accounts.chat.sasl).toEqual({ account: 'me', password: { sealed: expect.any(String) } });
      // What the server receives is the password itself: SASL PLAIN is "account\0account\0password".
      expect(await irc.authentication).toBe('me\0me\0sasl secret 42');
    } finally {
      irc.close();
    }
  });

  it('answers "no such account" for names every object has, and leaves the settings file as it was', async () => {
    const h = startCore({ accounts: { im: { plugin: 'xmpp', jid: 'me@example.test', password: 'pw', service: 'xmpp://127.0.0.1:9' } } });
    cores.push(h);
    const before = fileOf(h);
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      await expect(h.call('accounts:remove', { id })).rejects.toThrow(`not-found: There is no account "${id}".`);
    }
    expect(fileOf(h)).toBe(before);
  });

  it('says so when a sealed password cannot be opened on this host, instead of failing silently', async () => {
    const me = server.createAccount('me');
    const sealedElsewhere = standInKeychain().seal(me.password);
    const h = startCore({ accounts: { im: { plugin: 'xmpp', jid: me.jid, password: { sealed: sealedElsewhere }, service: server.service, caFile: server.caFile } } as never }, { secrets: standInKeychain() });
    cores.push(h);
    const state = await h.call('app:state', {});
    expect(state.problems.join()).toMatch(/account "im" cannot be used: its password cannot be opened .*enter it again/);
  });

  it('leaves passwords as written where there is no keychain (the browser host)', async () => {
    const me = server.createAccount('me');
    const h = startCore({ accounts: { im: xmppAccount(server, me) } });
    cores.push(h);
    await active(h, 'im');
    expect(JSON.parse(fileOf(h)).accounts.im.password).toBe(me.password);
  });
});

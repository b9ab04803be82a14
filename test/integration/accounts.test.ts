// Accounts: validated on save with clear errors, and passwords sealed by the OS keychain where there
// is one, so the settings file never holds them in clear. Electron's safeStorage cannot run here; a
// stand-in keychain (test/harness/stand-in-keychain.ts) plays its part.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { standInKeychain } from '../harness/stand-in-keychain';

let server: ProsodyServer;
const cores: CoreHarness[] = [];
beforeAll(async () => {
  server = await startProsody({ domain: 'accounts.switchboard.test' });
});
afterEach(async () => Promise.all(cores.splice(0).map((c) => c.stop())));
afterAll(async () => server?.stop());

const fileOf = (h: CoreHarness) => fs.readFileSync(path.join(h.dir, 'settings.json'), 'utf8');
const active = (h: CoreHarness, id: string) => h.event('mechanisms:changed', (list) => list.some((m) => m.id === id && m.state === 'active'));

describe('accounts', () => {
  it('seals a password found in clear, and still signs in with it', async () => {
    const me = server.createAccount('me');
    const h = startCore({ accounts: { im: { plugin: 'xmpp', jid: me.jid, password: me.password, service: server.service, caFile: server.caFile } } }, { secrets: standInKeychain() });
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
      /invalid-payload: The XMPP account "im" was not saved: jid: must look like name@server; service: must look like xmpp:\/\/host:port/,
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
    const h = startCore({ accounts: { im: { plugin: 'xmpp', jid: me.jid, password: me.password, service: server.service, caFile: server.caFile } } });
    cores.push(h);
    await active(h, 'im');
    expect(JSON.parse(fileOf(h)).accounts.im.password).toBe(me.password);
  });
});

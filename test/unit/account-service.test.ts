// The account service with the real XMPP plugin and registry, on real files, with the stand-in
// keychain (Electron's safeStorage cannot run here). The accounts point at a closed port: what is
// tested is what is saved and started, not the connection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountService } from '../../core/accounts/service';
import { MechanismKinds } from '../../core/accounts/kinds';
import { MechanismRegistry } from '../../core/mechanisms/registry';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { SettingsRepository } from '../../core/settings/repository';
import { noKeychain, type SecretStore } from '../../core/settings/secrets';
import xmpp from '../../plugins/xmpp';
import { standInKeychain } from '../harness/stand-in-keychain';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const registries: MechanismRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.stopAll()));
});

function service(secrets: SecretStore, file?: object) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-accounts-'));
  if (file) fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(file));
  const settings = new SettingsRepository(confSettingsBackend(dir));
  const kinds = new MechanismKinds([xmpp()]);
  const registry = new MechanismRegistry({ status: () => {}, presence: () => {}, incoming: () => {}, receipt: () => {}, suggest: () => {}, lastServerId: () => undefined }, quiet);
  registries.push(registry);
  const problems = new Map<string, string>();
  const started: string[] = [];
  const accounts = new AccountService({
    kinds,
    settings,
    registry,
    secrets,
    setProblem: (key, text) => (text === undefined ? problems.delete(key) : problems.set(key, text)),
    addressesOn: () => [],
    started: (id) => started.push(id),
    log: quiet,
  });
  const onDisk = () => JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as { accounts: Record<string, Record<string, unknown>> };
  return { accounts, registry, kinds, problems, started, onDisk };
}
const form = { jid: 'me@localhost', password: 'hunter2', service: 'xmpp://127.0.0.1:1' };

describe('AccountService', () => {
  it('saves an account with its password sealed by the keychain, and starts it at once', async () => {
    const { accounts, registry, kinds, onDisk, started } = service(standInKeychain());
    const views = await accounts.save('chat', 'xmpp', form);
    expect(views.map((v) => v.id)).toEqual(['chat']);
    expect(registry.ids()).toEqual(['chat']);
    expect(started).toEqual(['chat']);
    expect(kinds.of('chat')?.id).toBe('xmpp');
    expect(accounts.startedIds()).toEqual(['chat']);
    const saved = onDisk().accounts.chat!;
    expect(saved).toMatchObject({ plugin: 'xmpp', jid: 'me@localhost', password: { sealed: expect.any(String) } });
    expect(JSON.stringify(onDisk())).not.toContain('hunter2');
  });

  it('keeps a saved password left empty while the address is unchanged, and refuses when it moved', async () => {
    const { accounts, onDisk } = service(standInKeychain());
    await accounts.save('chat', 'xmpp', form);
    const sealed = onDisk().accounts.chat!.password;
    await accounts.save('chat', 'xmpp', { ...form, password: '' });
    expect(onDisk().accounts.chat!.password).toEqual(sealed);
    await expect(accounts.save('chat', 'xmpp', { ...form, jid: 'me@elsewhere.example', password: '' })).rejects.toThrow(
      /The Jabber \/ XMPP account "chat" was not saved: Password: enter it again, because Address \(name@server\) changed/,
    );
    expect(onDisk().accounts.chat!.jid).toBe('me@localhost');
  });

  it('refuses an account the plugin finds wrong, naming what is wrong, and saves nothing', async () => {
    const { accounts, registry } = service(standInKeychain());
    await expect(accounts.save('chat', 'xmpp', { ...form, jid: 'not an address' })).rejects.toThrow('The Jabber / XMPP account "chat" was not saved: Address (name@server) must look like name@server.');
    await expect(accounts.save('chat', 'carrier-pigeon', form)).rejects.toThrow('There is no kind of account called "carrier-pigeon".');
    expect(registry.ids()).toEqual([]);
  });

  it('at start, seals passwords found in clear, starts what it can and names what it cannot', () => {
    const { accounts, registry, problems, onDisk } = service(standInKeychain(), {
      accounts: { chat: { plugin: 'xmpp', ...form }, pigeon: { plugin: 'carrier-pigeon' } },
    });
    accounts.startAll();
    expect(registry.ids()).toEqual(['chat']);
    expect(onDisk().accounts.chat!.password).toEqual({ sealed: expect.any(String) });
    expect([...problems.values()]).toEqual(['The settings name an account "pigeon" of kind "carrier-pigeon", but no such mechanism is installed.']);
  });

  it('names an account whose password was sealed by another keychain, and starts the others', () => {
    const { accounts, registry, problems } = service(noKeychain, {
      accounts: { chat: { plugin: 'xmpp', ...form, password: { sealed: 'AAAA' } }, other: { plugin: 'xmpp', ...form } },
    });
    accounts.startAll();
    expect(registry.ids()).toEqual(['other']);
    expect(problems.get('account:chat')).toMatch(/account "chat" cannot be used: its password cannot be opened .*; enter it again/);
    expect(accounts.hasStoredSecrets()).toBe(true);
  });

  it('names an account with a bad field as the form does, does not start it, and starts the others', () => {
    const { accounts, registry, problems } = service(noKeychain, {
      accounts: { broken: { plugin: 'xmpp', password: 'x', service: 'http://wrong' }, chat: { plugin: 'xmpp', ...form } },
    });
    accounts.startAll();
    expect(registry.ids()).toEqual(['chat']);
    expect(problems.get('account:broken')).toBe(
      'Your Jabber / XMPP account "broken" was not started: Address (name@server) is missing; Server to dial (xmpp://host:port) must look like xmpp://host:port. Fix it in Settings.',
    );
  });

  it('removes an account from the file and stops it', async () => {
    const { accounts, registry, kinds, onDisk } = service(standInKeychain());
    await accounts.save('chat', 'xmpp', form);
    expect(await accounts.remove('chat')).toEqual([]);
    expect(registry.ids()).toEqual([]);
    expect(kinds.of('chat')).toBeUndefined();
    expect(onDisk().accounts).toEqual({});
    await expect(accounts.remove('chat')).rejects.toThrow('There is no account "chat".');
  });

  it('lists accounts as the form edits them: kind in words, field values, which secrets are saved, never a secret', async () => {
    const { accounts } = service(standInKeychain());
    await accounts.save('chat', 'xmpp', form);
    const [view] = accounts.list();
    expect(view).toMatchObject({ id: 'chat', kind: 'xmpp', kindName: 'Jabber / XMPP', enabled: true, values: { jid: 'me@localhost', service: 'xmpp://127.0.0.1:1' }, savedSecrets: ['password'] });
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(Object.keys(view!.values)).not.toContain('password');
  });

  it('turns an account off (kept in the file beside its plugin, not started, not given to the plugin) and on again', async () => {
    const { accounts, registry, kinds, onDisk } = service(standInKeychain(), { accounts: { chat: { plugin: 'xmpp', ...form, enabled: false }, other: { plugin: 'xmpp', ...form } } });
    accounts.startAll();
    expect(registry.ids()).toEqual(['other']);
    expect(accounts.startedIds()).toEqual(['other']);
    expect(accounts.list().find((a) => a.id === 'chat')).toMatchObject({ enabled: false, state: 'inactive', reason: 'Turned off in Settings.' });

    // On: started at once; the plugin's strict account check would refuse an "enabled" it was given.
    await accounts.setEnabled('chat', true);
    expect(onDisk().accounts.chat).not.toHaveProperty('enabled');
    expect(registry.ids()).toContain('chat');
    expect(registry.status('chat')?.state).toBe('connecting');
    expect(accounts.startedIds()).toEqual(['chat', 'other']);

    await accounts.setEnabled('other', false);
    expect(onDisk().accounts.other).toMatchObject({ plugin: 'xmpp', enabled: false });
    expect(registry.ids()).toEqual(['chat']);
    expect(kinds.of('other')).toBeUndefined();
    expect(accounts.startedIds()).toEqual(['chat']);
    // Changed while off, it stays off.
    await accounts.save('other', 'xmpp', { ...form, password: '' });
    expect(onDisk().accounts.other).toMatchObject({ enabled: false });
    expect(registry.ids()).toEqual(['chat']);
    await expect(accounts.reconnect('other')).rejects.toThrow('The account "other" is turned off; turn it on to connect it.');
    await expect(accounts.setEnabled('pigeon', true)).rejects.toThrow('There is no account "pigeon".');
  });

  it('while it retries, says why in words: a closed port is a server that cannot be reached', async () => {
    const { accounts, registry } = service(standInKeychain());
    await accounts.save('chat', 'xmpp', form);
    await new Promise<void>((resolve) => {
      const off = registry.onChange(() => registry.views()[0]?.reason && (off(), resolve()));
    });
    expect(registry.views()[0]).toEqual({ id: 'chat', kind: 'Jabber / XMPP', state: 'connecting', reason: expect.stringMatching(/^Cannot reach the server 127\.0\.0\.1:1: .*running.*port/) });
    expect(accounts.list()[0]).toMatchObject({ state: 'connecting', reason: expect.stringMatching(/^Cannot reach the server/) });
    // Try now: stopped and started again at once, the same account.
    await accounts.reconnect('chat');
    expect(registry.ids()).toEqual(['chat']);
    expect(registry.status('chat')?.state).toBe('connecting');
  });
});

// Where there is no keychain (the browser host; Electron on Linux without a keyring), passwords are
// kept in the settings file as written. The window says so once, naming the file and how to get a
// keychain, only when some account has a password, until the user dismisses it — across restarts.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { standInKeychain } from '../harness/stand-in-keychain';
import type { SettingsInput } from '../../shared/settings';

const cores: CoreHarness[] = [];
afterEach(async () => Promise.all(cores.splice(0).map((c) => c.stop())));
const run = (settings: SettingsInput, options: Parameters<typeof startCore>[1] = {}) => {
  const h = startCore(settings, options);
  cores.push(h);
  return h;
};

// Accounts that never connect: the notice is about the file, not the server.
const withPassword: SettingsInput = { accounts: { im: { plugin: 'xmpp', jid: 'me@example.test', password: 'secret', service: 'xmpp://127.0.0.1:9' } } };

describe('the notice that passwords are kept in the settings file', () => {
  it('is given, with the settings file and what to do, once an account has a password, and not after it is dismissed, across a restart', async () => {
    const first = run({});
    expect((await first.call('app:state', {})).keychainNotice).toBeUndefined();

    await first.call('accounts:save', { id: 'im', kind: 'xmpp', values: { jid: 'me@example.test', password: 'secret', service: 'xmpp://127.0.0.1:9' } });
    const notice = { settingsFile: path.join(first.dir, 'settings.json'), advice: 'To keep them in your system keychain instead, run Switchboard as the desktop app.' };
    expect((await first.event('app:changed', (s) => s.keychainNotice !== undefined)).keychainNotice).toEqual(notice);
    expect((await first.call('app:state', {})).keychainNotice).toEqual(notice);

    const dismissed = await first.call('app:dismissKeychainNotice', {});
    expect(dismissed.keychainNotice).toBeUndefined();
    expect((await first.call('app:state', {})).keychainNotice).toBeUndefined();
    await first.stop();
    cores.splice(0);

    const again = run(withPassword, { dir: first.dir });
    expect((await again.call('app:state', {})).keychainNotice).toBeUndefined();
  });

  it('is given at start when the settings file already holds a password, also a nested one', async () => {
    const h = run({ accounts: { chat: { plugin: 'irc', server: 'irc.example.test', host: '127.0.0.1', port: 9, nick: 'me', sasl: { account: 'me', password: 'secret' } } } });
    expect((await h.call('app:state', {})).keychainNotice?.settingsFile).toBe(path.join(h.dir, 'settings.json'));
  });

  it('is not given where there is a keychain', async () => {
    const h = run(withPassword, { secrets: standInKeychain() });
    expect((await h.call('app:state', {})).keychainNotice).toBeUndefined();
  });
});

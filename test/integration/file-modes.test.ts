// The settings (passwords in clear where there is no keychain), the message history and the folder of
// delivery-manager plugins are the user's alone, whatever the umask: folders 0700, files 0600.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../core/app';
import { dispatch } from '../../core/ipc/dispatch';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { builtinDeliveryManagers, builtinMechanisms } from '../../plugins/builtin';
import type { SettingsInput } from '../../shared/settings';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

let umask: number;
let core: Core | undefined;
beforeEach(() => {
  // What most systems have: without care, new files would be readable by every local user.
  umask = process.umask(0o022);
});
afterEach(async () => {
  await core?.stop();
  core = undefined;
  process.umask(umask);
});

function start(dir: string): Core {
  core = createCore({ settings: confSettingsBackend(dir), dataDir: dir, mechanisms: builtinMechanisms(), deliveryManagers: builtinDeliveryManagers(), log: quiet, settleMs: 0 });
  core.start();
  return core;
}

async function call(c: Core, name: 'accounts:save' | 'messages:send', input: unknown) {
  const result = await dispatch(c.handlers, name, input);
  if (!result.ok) throw new Error(result.error.message);
}

const contact: SettingsInput = { contacts: [{ id: 'jerry', name: 'Jerry Jones', addresses: { im: 'jerry@example.test' } }] };

/** The modes of everything Switchboard keeps in its folder, while it runs (the -wal and -shm files exist only then). */
function modes(dir: string) {
  const db = path.join(dir, 'switchboard.sqlite3');
  return {
    folder: mode(dir),
    settings: mode(path.join(dir, 'settings.json')),
    database: mode(db),
    wal: mode(`${db}-wal`),
    shm: mode(`${db}-shm`),
    plugins: mode(path.join(dir, 'delivery-managers')),
  };
}
const private_ = { folder: '700', settings: '600', database: '600', wal: '600', shm: '600', plugins: '700' };

describe('file modes', () => {
  it('makes a fresh config folder, its settings, database and plugin folder private to the user', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-modes-')), 'switchboard');
    confSettingsBackend(dir).write(contact as never);
    const c = start(dir);
    // A write (an account with its password, in clear: no keychain here) and a message stored.
    await call(c, 'accounts:save', { id: 'im', kind: 'xmpp', values: { jid: 'me@example.test', password: 'secret', service: 'xmpp://127.0.0.1:9' } });
    await call(c, 'messages:send', { contactId: 'jerry', body: 'hello' });
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toContain('secret');
    expect(modes(dir)).toEqual(private_);
  });

  it('closes a folder and files an older version left readable', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-modes-')), 'switchboard');
    fs.mkdirSync(path.join(dir, 'delivery-managers'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(contact), { mode: 0o644 });
    const old = new Database(path.join(dir, 'switchboard.sqlite3'));
    old.pragma('journal_mode = WAL');
    old.close();
    expect(mode(dir)).toBe('755');
    expect(mode(path.join(dir, 'switchboard.sqlite3'))).toBe('644');

    const c = start(dir);
    await call(c, 'messages:send', { contactId: 'jerry', body: 'hello' });
    expect(modes(dir)).toEqual(private_);
  });
});

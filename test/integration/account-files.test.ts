// Files an account names (its CA file) are read without ever holding up the app: a named pipe, a
// device, a huge file, a folder or a missing file leaves that account inactive with the field named,
// refuses the save that names it, and the core goes on answering.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCore, type CoreHarness } from '../harness/core-harness';

const cores: CoreHarness[] = [];
afterEach(async () => Promise.all(cores.splice(0).map((c) => c.stop())));

/** One of each kind of path that is not a CA file to read. */
function badFiles() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-files-'));
  const fifo = path.join(dir, 'ca.fifo');
  execFileSync('mkfifo', [fifo]);
  const huge = path.join(dir, 'huge.pem');
  fs.writeFileSync(huge, Buffer.alloc(2 * 1024 * 1024, 'A'));
  return { fifo, zero: '/dev/zero', huge, folder: dir, missing: path.join(dir, 'missing.pem') };
}

// No server runs: each account stops at its CA file, before dialling anything.
const nowhere = 'xmpp://127.0.0.1:9';
const inactive = (h: CoreHarness, ids: readonly string[]) =>
  h.event('mechanisms:changed', (list) => ids.every((id) => list.some((m) => m.id === id && m.state === 'inactive')));

describe('files named in account settings', () => {
  it('leaves each account with a bad caFile inactive, naming the field, and keeps answering', async () => {
    const f = badFiles();
    const h = startCore({
      accounts: {
        pipe: { plugin: 'xmpp', jid: 'me@pipe.test', password: 'pw', service: nowhere, caFile: f.fifo },
        zero: { plugin: 'irc', server: 'irc.zero.test', host: '127.0.0.1', port: 9, nick: 'me', caFile: f.zero },
        huge: { plugin: 'email', address: 'me@huge.test', server: 'smtp.huge.test', host: '127.0.0.1', port: 9, user: 'me', password: 'pw', caFile: f.huge },
        folder: { plugin: 'sms', sendsmsUrl: 'https://gateway.folder.test/cgi-bin/sendsms', username: 'me', password: 'pw', caFile: f.folder },
        missing: { plugin: 'xmpp', jid: 'me@missing.test', password: 'pw', service: nowhere, caFile: f.missing },
      },
    });
    cores.push(h);
    const views = await inactive(h, ['pipe', 'zero', 'huge', 'folder', 'missing']);
    const reason = (id: string) => views.find((m) => m.id === id)?.reason;
    expect(reason('pipe')).toBe(`CA certificate file: ${f.fifo} is not a regular file (it is a named pipe); name a PEM certificate file`);
    expect(reason('zero')).toBe('CA certificate file: /dev/zero is not a regular file (it is a device); name a PEM certificate file');
    expect(reason('huge')).toBe(`CA certificate file: ${f.huge} is larger than 1 MB; name a PEM certificate file`);
    expect(reason('folder')).toBe(`CA certificate file: ${f.folder} is not a regular file (it is a folder); name a PEM certificate file`);
    expect(reason('missing')).toBe(`CA certificate file: ${f.missing} cannot be read (there is no such file)`);
    // The core still answers, and the window is told which account and why.
    const state = await h.call('app:state', {});
    expect(state.problems).toContain(`Your Jabber / XMPP account "pipe" cannot connect: CA certificate file: ${f.fifo} is not a regular file (it is a named pipe); name a PEM certificate file`);
    expect(await h.call('contacts:list', {})).toEqual([]);
  });

  it('refuses to save an account whose caFile is not a regular file under 1 MB, and saves nothing', async () => {
    const f = badFiles();
    const h = startCore({});
    cores.push(h);
    const settingsFile = path.join(h.dir, 'settings.json');
    const before = fs.readFileSync(settingsFile);
    const save = (id: string, caFile: string) => h.call('accounts:save', { id, kind: 'xmpp', values: { jid: 'me@example.test', password: 'pw', service: nowhere, caFile } });
    await expect(save('pipe', f.fifo)).rejects.toThrow(`invalid-payload: The Jabber / XMPP account "pipe" was not saved: CA certificate file: ${f.fifo} is not a regular file (it is a named pipe); name a PEM certificate file.`);
    await expect(save('zero', f.zero)).rejects.toThrow(/"zero" was not saved: CA certificate file: \/dev\/zero is not a regular file \(it is a device\)/);
    await expect(save('huge', f.huge)).rejects.toThrow(/"huge" was not saved: CA certificate file: .* is larger than 1 MB/);
    await expect(save('folder', f.folder)).rejects.toThrow(/"folder" was not saved: CA certificate file: .* is not a regular file \(it is a folder\)/);
    await expect(save('missing', f.missing)).rejects.toThrow(/"missing" was not saved: CA certificate file: .* cannot be read \(there is no such file\)/);
    expect(fs.readFileSync(settingsFile)).toEqual(before);
    expect(await h.call('mechanisms:list', {})).toEqual([]);
  });
});

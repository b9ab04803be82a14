// The settings store (conf) and the message store, on real files in a temp folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileMessageStore } from '../../core/messages/store';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { loadSettings } from '../../core/settings/store';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sb-unit-'));
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('settings', () => {
  it('round-trips through conf and fills defaults', () => {
    const dir = temp();
    const backend = confSettingsBackend(dir);
    backend.write({ accounts: {}, contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { xmpp: 'jane@example.org' } }], delivery: { manager: 'sequential', configurations: {} } });
    const loaded = loadSettings(confSettingsBackend(dir));
    expect(loaded.problems).toEqual([]);
    expect(loaded.settings.contacts[0]).toEqual({ id: 'jane', name: 'Jane Doe', addresses: { xmpp: 'jane@example.org' } });
    expect(loadSettings(confSettingsBackend(temp()))).toMatchObject({ problems: [], settings: { contacts: [] } });
  });

  it('reports a broken file, starts empty, and leaves the file untouched', () => {
    const dir = temp();
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{ "contacts": [ oops');
    const loaded = loadSettings(confSettingsBackend(dir));
    expect(loaded.settings.contacts).toEqual([]);
    expect(loaded.problems[0]).toContain(file);
    expect(loaded.problems[0]).toContain('could not be read');
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "contacts": [ oops');
  });

  it('reports a file of the wrong shape, naming the field', () => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ contacts: [{ id: 'x', name: '' }] }));
    const loaded = loadSettings(confSettingsBackend(dir));
    expect(loaded.problems[0]).toMatch(/contacts\.0\.name/);
  });

  it('keeps the first of two contacts with one id and says so', () => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ contacts: [{ id: 'x', name: 'A' }, { id: 'x', name: 'B' }] }));
    const loaded = loadSettings(confSettingsBackend(dir));
    expect(loaded.settings.contacts.map((c) => c.name)).toEqual(['A']);
    expect(loaded.problems[0]).toMatch(/share the id "x"/);
  });
});

describe('FileMessageStore', () => {
  it('has a message on disk as soon as it is added, and its later state after a restart', () => {
    const dir = temp();
    const store = new FileMessageStore(dir, quiet);
    store.add({ id: 'm1', contactId: 'jane', direction: 'out', body: 'hello', state: 'sending', at: 1 });
    expect(fs.readFileSync(path.join(dir, 'messages.jsonl'), 'utf8')).toContain('hello');
    store.update('m1', { state: 'sent' });
    const reopened = new FileMessageStore(dir, quiet);
    expect(reopened.list('jane')).toEqual([{ id: 'm1', contactId: 'jane', direction: 'out', body: 'hello', state: 'sent', at: 1 }]);
  });

  it('skips a line cut short by a crash and keeps the rest', () => {
    const dir = temp();
    const store = new FileMessageStore(dir, quiet);
    store.add({ id: 'm1', contactId: 'jane', direction: 'in', body: 'one', state: 'received', at: 1 });
    fs.appendFileSync(path.join(dir, 'messages.jsonl'), '{"kind":"message","message":{"id":"m2"');
    const warnings: string[] = [];
    const reopened = new FileMessageStore(dir, { ...quiet, warn: (m) => warnings.push(m) });
    expect(reopened.list('jane').map((m) => m.body)).toEqual(['one']);
    expect(warnings[0]).toMatch(/1 unreadable line/);
  });
});

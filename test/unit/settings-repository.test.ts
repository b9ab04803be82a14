// The settings repository on real files: changes reach the file, and a file that could not be read
// is never written over (contacts then last in memory, an account change is refused with the reason).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { SettingsRepository } from '../../core/settings/repository';

const folder = (content?: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-repo-'));
  if (content !== undefined) fs.writeFileSync(path.join(dir, 'settings.json'), content);
  return dir;
};
const jane = { id: 'jane', name: 'Jane Doe', addresses: { im: { address: 'jane@example.org', settings: {} } } };

describe('SettingsRepository', () => {
  it('writes a change to the file and tells who listens', () => {
    const dir = folder();
    const repository = new SettingsRepository(confSettingsBackend(dir));
    let told = 0;
    repository.onChange(() => told++);
    repository.writeContacts([jane]);
    expect(repository.canSave).toBe(true);
    expect(repository.current.contacts.map((c) => c.name)).toEqual(['Jane Doe']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).contacts[0].name).toBe('Jane Doe');
    // What was written is what the next start reads.
    expect(new SettingsRepository(confSettingsBackend(dir)).current.contacts).toEqual(repository.current.contacts);
    expect(told).toBe(1);
  });

  it('never writes over a file it could not read: contacts stay in memory, an account change is refused', () => {
    const dir = folder('{ "contacts": [ oops');
    const file = path.join(dir, 'settings.json');
    const repository = new SettingsRepository(confSettingsBackend(dir));
    expect(repository.canSave).toBe(false);
    expect(repository.loadProblems[0]).toContain(file);
    repository.writeContacts([jane]);
    expect(repository.current.contacts.map((c) => c.id)).toEqual(['jane']);
    expect(() => repository.write({ ...repository.current, accounts: { im: {} } })).toThrow(/could not be used as it is, so nothing is saved over it; fix it first/);
    expect(repository.current.accounts).toEqual({});
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "contacts": [ oops');
  });
});

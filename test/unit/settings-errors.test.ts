// What a person is told about a settings file that is not right: where it stops being JSON (in the
// words of Node 20 and of Node 22), which entry was skipped and why, and that the rest loaded and
// nothing they wrote is lost when Switchboard saves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { firstBadOffset, notJsonError } from '../../core/settings/json-place';
import { SettingsRepository } from '../../core/settings/repository';
import { loadSettings } from '../../core/settings/store';
import xmpp from '../../plugins/xmpp';
import irc from '../../plugins/irc';

const folder = (content: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-errors-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), content);
  return dir;
};
const onDisk = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as Record<string, any>;
/** What must never reach the window: a zod path or zod's own wording. */
const developerWords = /contacts\.\d|delivery\.|Invalid input|Unrecognized key|Too small|expected string|received/;

const missingComma = '{\n  "profile": { "name": "Me" }\n  "contacts": []\n}';

describe('a settings file that is not JSON', () => {
  it('is placed by line and column from Node 20 wording (position only)', () => {
    const error = new SyntaxError("Expected ',' or '}' after property value in JSON at position 34");
    expect(notJsonError(error, missingComma)).toMatchObject({ line: 3, column: 3, reason: 'a comma or a closing } is missing before this' });
  });

  it('is placed by line and column from Node 22 wording (line and column given)', () => {
    const error = new SyntaxError("Expected ',' or '}' after property value in JSON at position 34 (line 3 column 3)");
    expect(notJsonError(error, missingComma)).toMatchObject({ line: 3, column: 3, reason: 'a comma or a closing } is missing before this' });
  });

  it('is placed from the text when the parser names no position', () => {
    const text = '{\n  "contacts": [ oops ]\n}';
    expect(notJsonError(new SyntaxError(`Unexpected token 'o', "${text}" is not valid JSON`), text)).toMatchObject({ line: 2, column: 17, reason: '"o" cannot be here (text must be in double quotes)' });
    expect(notJsonError(new SyntaxError('Unexpected end of JSON input'), '{\n  "a": [1,')).toMatchObject({ line: 2, column: 11, reason: 'the file ends before the settings do: a closing } or ] may be missing' });
    expect(firstBadOffset('{"a": "x\\q"}')).toBe(9); // where Node says the bad escape is
    expect(firstBadOffset('{"a": [1, 2.5e3, true, null, "\\u00e9"]}')).toBeUndefined();
    // Where this Node names a position, the scan finds the same one.
    for (const broken of [missingComma, '{"a": "x\\q"}', '{"a":1,}', '{"a": "x\ny"}', '{"a":1} x', '[1, 2', '{"a": 01}']) {
      const said = (() => {
        try {
          JSON.parse(broken);
        } catch (error) {
          return /at position (\d+)/.exec((error as Error).message)?.[1];
        }
      })();
      if (said !== undefined) expect(firstBadOffset(broken), broken).toBe(Number(said));
    }
  });

  it('names the line and column and what to do, starts empty and leaves the file as it is', () => {
    const dir = folder(missingComma);
    const repository = new SettingsRepository(confSettingsBackend(dir));
    const [problem] = repository.loadProblems;
    expect(problem).toContain(path.join(dir, 'settings.json'));
    expect(problem).toContain('is not valid JSON at line 3, column 3 (a comma or a closing } is missing before this).');
    expect(problem).toContain('Fix it or remove it; Switchboard starts with no settings meanwhile and does not write over it.');
    expect(repository.canSave).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe(missingComma);
  });

  it('reads a blank file as no settings, which holds nothing to lose', () => {
    const repository = new SettingsRepository(confSettingsBackend(folder(' \n')));
    expect(repository.loadProblems).toEqual([]);
    expect(repository.canSave).toBe(true);
  });
});

describe('one entry that does not fit', () => {
  const file = {
    contacts: [
      { id: 'ann', name: 'Ann', addresses: { im1: 'ann@example.org' } },
      { id: 'bob', name: 'Bob' },
      { id: 'jane', name: 'Jane Doe', addresses: { im1: 42 } },
      { id: 'ann', name: 'Ann again' },
      { id: 'cy', name: 'Cy', nickname: 'C' },
    ],
    delivery: {
      managers: { sequential: { configurations: { Normal: ['im1'], Urgent: [{ mechanism: 'im1', verify: 'maybe' }] } } },
      rules: [{ priority: 'whenever', manager: 'sequential' }, { manager: 'sequential', configuration: 'Normal' }],
    },
  };

  it('is skipped with a sentence naming it, and the others load', () => {
    const loaded = loadSettings(confSettingsBackend(folder(JSON.stringify(file))));
    expect(loaded.settings.contacts.map((c) => c.name)).toEqual(['Ann', 'Bob']);
    expect(loaded.problems).toEqual([
      'The contact "Jane Doe" (the 3rd in the file) was skipped: its address on "im1" must be text or a group of settings { … }. It is kept in the file as it is; fix it there and restart.',
      'The contact "Ann again" (the 4th in the file) was skipped: it has the same id "ann" as the 1st, and ids must differ. It is kept in the file as it is; fix it there and restart.',
      'The contact "Cy" (the 5th in the file) was skipped: "nickname" is not a setting Switchboard knows (misspelled?). It is kept in the file as it is; fix it there and restart.',
      'The configuration "Urgent" of the delivery manager "sequential" was skipped: "verify" in its 1st step must be "accepted", "available" or a group of settings { … }. It is kept in the file as it is; fix it there and restart.',
      'The 1st delivery rule (for "sequential") was skipped: its "priority" must be "normal" or "urgent". It is kept in the file as it is; fix it there and restart.',
    ]);
    for (const problem of loaded.problems) expect(problem).not.toMatch(developerWords);
    expect(Object.keys(loaded.settings.delivery.managers.sequential!.configurations)).toEqual(['Normal']);
    expect(loaded.settings.delivery.rules).toEqual([{ manager: 'sequential', configuration: 'Normal' }]);
  });

  it('is written back unchanged at its place when the settings are saved, so nothing is lost', () => {
    const dir = folder(JSON.stringify(file));
    const repository = new SettingsRepository(confSettingsBackend(dir));
    expect(repository.canSave).toBe(true);
    repository.writeContacts([...repository.current.contacts, { id: 'dee', name: 'Dee', addresses: {} }]);
    repository.write({ ...repository.current, profile: { name: 'Me', sendReadMarkers: true } });
    const saved = onDisk(dir);
    expect(saved.contacts.map((c: { name: string }) => c.name)).toEqual(['Ann', 'Bob', 'Jane Doe', 'Ann again', 'Cy', 'Dee']);
    expect(saved.contacts[2]).toEqual(file.contacts[2]);
    expect(saved.delivery.managers.sequential.configurations.Urgent).toEqual(file.delivery.managers.sequential.configurations.Urgent);
    expect(saved.delivery.rules).toEqual(file.delivery.rules);
    expect(saved.profile).toEqual({ name: 'Me', sendReadMarkers: true });
    // The next start skips the same entries again and still has the new contact.
    const again = loadSettings(confSettingsBackend(dir));
    expect(again.settings.contacts.map((c) => c.name)).toEqual(['Ann', 'Bob', 'Dee']);
    expect(again.problems).toHaveLength(5);
  });

  it('keeps a whole section that does not fit, and an unknown setting, out of the way and in the file', () => {
    const dir = folder(JSON.stringify({ contact: [{ id: 'x', name: 'X' }], profile: { name: '' }, delivery: { waitNoticeMinutes: -1 } }));
    const repository = new SettingsRepository(confSettingsBackend(dir));
    expect(repository.loadProblems).toEqual([
      'The settings file has "contact", which is not a setting Switchboard knows (misspelled?); it is ignored and kept in the file.',
      'Your name in the settings ("profile") was not used: "name" is empty. It is kept in the file as it is; fix it there and restart.',
      'The wait before a message still waiting is told ("waitNoticeMinutes") was not used: it must be more than 0; 10 minutes is used. It is kept in the file as it is; fix it there and restart.',
    ]);
    expect(repository.current.delivery.waitNoticeMinutes).toBe(10);
    repository.writeContacts([{ id: 'y', name: 'Y', addresses: {} }]);
    expect(onDisk(dir)).toMatchObject({ contact: [{ id: 'x', name: 'X' }], profile: { name: '' }, delivery: { waitNoticeMinutes: -1 }, contacts: [{ id: 'y' }] });
  });
});

describe('a section of the wrong kind', () => {
  it('is named, the rest loads, and the file is not written over until it is fixed', () => {
    const content = JSON.stringify({ contacts: { ann: { name: 'Ann' } }, toString: 1, profile: { name: 'Me' } });
    const dir = folder(content);
    const repository = new SettingsRepository(confSettingsBackend(dir));
    expect(repository.loadProblems).toEqual([
      'The settings file has "toString", which is not a setting Switchboard knows (misspelled?); it is ignored and kept in the file.',
      'The contacts in the settings file are not a list [ … ], so none was loaded. Fix it in the file and restart; until then nothing is saved over the file.',
    ]);
    expect(repository.current.profile.name).toBe('Me');
    expect(repository.canSave).toBe(false);
    repository.writeContacts([{ id: 'y', name: 'Y', addresses: {} }]);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe(content);
  });
});

describe("an account's problems", () => {
  it('name the field by the label the form shows', () => {
    expect(xmpp().validateAccount({ password: 'x', service: 'http://wrong' })).toEqual(['Address (name@server) is missing', 'Server to dial (xmpp://host:port) must look like xmpp://host:port']);
    expect(irc().validateAccount({ server: 'irc.example.org', nick: 'me', port: 0, sasl: { account: 'me', password: '' } })).toEqual(['TLS port must be at least 1', 'SASL password is empty']);
  });
});

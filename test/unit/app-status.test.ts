// What the window is told about the app itself: a problem is told when it appears or goes, once; the
// "passwords are kept in the settings file" notice comes with the first password saved where there
// is no keychain, goes when dismissed (and stays gone), and never shows where a keychain exists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppStatus } from '../../core/app-status';
import { CoreEvents } from '../../core/events';
import { dismissedNotices } from '../../core/settings/dismissed';
import { noKeychain } from '../../core/settings/secrets';
import type { AppState } from '../../shared/domain';
import { standInKeychain } from '../harness/stand-in-keychain';

function status(secrets = noKeychain) {
  const events = new CoreEvents();
  const told: AppState[] = [];
  events.on('app:changed', (state) => told.push(state));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-status-'));
  let passwords = false;
  const make = () => new AppStatus({ events, secrets, dismissed: dismissedNotices(dir), settingsFile: '/home/u/settings.json', hasStoredSecrets: () => passwords });
  return { app: make(), make, told, savePassword: (has: boolean) => (passwords = has) };
}

describe('AppStatus', () => {
  it('tells a problem when it appears and when it goes, once each', () => {
    const { app, told } = status();
    app.setProblem('mechanism:im', 'Your account cannot connect');
    app.setProblem('mechanism:im', 'Your account cannot connect');
    expect(told.map((s) => s.problems)).toEqual([['Your account cannot connect']]);
    app.setProblem('mechanism:im', undefined);
    app.setProblem('mechanism:im', undefined);
    expect(told.map((s) => s.problems)).toEqual([['Your account cannot connect'], []]);
  });

  it('brings the keychain notice with the first password saved, takes it away when dismissed, for good', () => {
    const { app, make, told, savePassword } = status();
    expect(app.state().keychainNotice).toBeUndefined();
    savePassword(true);
    app.settingsChanged();
    expect(told.at(-1)?.keychainNotice).toEqual({ settingsFile: '/home/u/settings.json', advice: noKeychain.advice });
    app.settingsChanged(); // nothing new to tell
    expect(told).toHaveLength(1);
    expect(app.dismissKeychainNotice().keychainNotice).toBeUndefined();
    expect(told).toHaveLength(2);
    expect(make().state().keychainNotice).toBeUndefined(); // the next start remembers
  });

  it('shows no notice where a keychain seals the passwords', () => {
    const { app, told, savePassword } = status(standInKeychain());
    savePassword(true);
    app.settingsChanged();
    expect(told).toEqual([]);
    expect(app.state().keychainNotice).toBeUndefined();
  });
});

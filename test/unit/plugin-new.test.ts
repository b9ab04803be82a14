// `npm run plugin:new` (scripts/plugin-new.mjs): the plugins it makes are refused by nothing and work.
// Each is scaffolded into a temporary folder, its manifest read as the plugin folder reads it, loaded
// in the real sandbox a user's plugin runs in and used through it, and its own test run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SandboxedDeliveryManager } from '../../core/delivery/sandbox/sandboxed-manager';
import { SandboxedMechanismPlugin } from '../../core/mechanisms/sandbox/sandboxed-mechanism';
import type { DeliveryJob, DeliveryStep } from '../../shared/delivery';
import type { IncomingMessage, MechanismContext, MechanismStatus } from '../../shared/mechanism';
import { PLUGIN_API_VERSION, pluginManifest } from '../../shared/plugin-manifest';
import { API_VERSION, scaffold } from '../../scripts/plugin-new.mjs';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-plugin-new-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function made(kind: 'delivery-manager' | 'mechanism', name: string) {
  const folder = path.join(root, name);
  const files = scaffold(kind, name, folder).map((f) => path.basename(f));
  const manifest = pluginManifest.parse(JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')));
  return { folder, files, manifest, entry: path.join(folder, manifest.entry) };
}

/** Its own test, as its author runs it. */
const ownTest = (folder: string) => execFileSync(process.execPath, ['--test'], { cwd: folder, encoding: 'utf8' });

describe('npm run plugin:new', () => {
  it('names the plugin API version the core speaks', () => {
    expect(API_VERSION).toBe(PLUGIN_API_VERSION);
  });

  it('makes a delivery manager that loads in the sandbox and delivers', async () => {
    const plugin = made('delivery-manager', 'my-manager');
    expect(plugin.files.sort()).toEqual(['README.md', 'index.mjs', 'manifest.json', 'my-manager.test.mjs']);
    expect(plugin.manifest).toEqual({ name: 'my-manager', kind: 'delivery-manager', displayName: 'My Manager', entry: 'index.mjs', apiVersion: PLUGIN_API_VERSION });
    const sandbox = await SandboxedDeliveryManager.start({ id: 'my-manager', displayName: 'My Manager', folder: plugin.folder, entry: plugin.entry, log: quiet });
    try {
      const steps: DeliveryStep[] = ['im', 'mail'].map((mechanism) => ({ mechanism, parallelWithNext: false, verify: 'accepted', ask: false }));
      const tried: string[] = [];
      const job: DeliveryJob = {
        message: { id: 'm1', contactName: 'Jane', priority: 'normal' },
        configuration: { name: 'Normal', steps },
        policy: () => steps,
        attempt: async (step) => (tried.push(step.mechanism), step.mechanism === 'mail' ? { ok: true, level: 'accepted' } : { ok: false, reason: 'down', final: false }),
        skip: () => undefined,
        presence: () => 'none',
        receipts: () => false,
        ask: async () => true,
        expired: () => false,
        log: quiet,
      };
      expect(await sandbox.plugin().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'mail' });
      expect(tried).toEqual(['im', 'mail']);
    } finally {
      await sandbox.stop();
    }
    expect(ownTest(plugin.folder)).toMatch(/# pass 2\n# fail 0/);
  });

  it('makes a mechanism that loads in the sandbox, checks its account, sends and hears the reply', async () => {
    const plugin = made('mechanism', 'my-mechanism');
    expect(plugin.files.sort()).toEqual(['README.md', 'index.mjs', 'manifest.json', 'my-mechanism.test.mjs']);
    const sandbox = await SandboxedMechanismPlugin.start({ id: 'my-mechanism', displayName: 'My Mechanism', folder: plugin.folder, entry: plugin.entry, log: quiet });
    try {
      const kind = sandbox.plugin();
      expect(kind.accountFields).toEqual([{ key: 'greeting', label: 'Reply prefix', kind: 'text', required: true }]);
      expect(await kind.checkAccountFiles!({})).toEqual(['Reply prefix must not be empty']);
      const statuses: MechanismStatus[] = [];
      const replies: IncomingMessage[] = [];
      let replied: () => void = () => undefined;
      const reply = new Promise<void>((resolve) => (replied = resolve));
      const context: MechanismContext = {
        account: { greeting: 'Re:' },
        addresses: () => ['jane'],
        log: quiet,
        status: (s) => void statuses.push(s),
        presence: () => undefined,
        incoming: (m) => (replies.push(m), replied()),
        lastServerId: () => undefined,
        suggest: () => undefined,
        receipt: () => undefined,
      };
      const mechanism = kind.create(context);
      await mechanism.start();
      expect(statuses).toEqual([{ state: 'active' }]);
      expect(await mechanism.send('jane', { id: 'm1', body: 'hello' })).toEqual({ ok: true, level: 'accepted' });
      await reply;
      expect(replies).toEqual([{ from: 'jane', body: 'Re: hello' }]);
      await mechanism.stop();
    } finally {
      await sandbox.stop();
    }
    expect(ownTest(plugin.folder)).toMatch(/# pass 2\n# fail 0/);
  });

  it('refuses an unknown kind, a bad name and a folder that is not empty, saying why', () => {
    expect(() => scaffold('theme', 'x', path.join(root, 'x'))).toThrow('the kind must be delivery-manager or mechanism, not "theme"');
    expect(() => scaffold('mechanism', 'Bad Name', path.join(root, 'bad'))).toThrow(/lower-case letters, digits and dashes/);
    expect(() => scaffold('mechanism', 'again', path.join(root, 'my-mechanism'))).toThrow(/already exists and is not empty/);
  });
});

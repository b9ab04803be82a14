// Mechanism plugins dropped into <settings folder>/mechanisms/ while the app runs, each in its
// sandboxed process: the webhook example becomes a kind of account, an account saved for it from
// Settings' request carries a person's message to a real HTTP server, and removing the folder makes
// the account inactive while the app goes on. A spying mechanism may use the network but reads
// neither the settings file, nor the database, nor another plugin's folder; one that crashes is
// started again and its account comes back. With it, the example delivery manager "last resort
// first", which tries the configuration's last step first. The plugins and the HTTP server are real.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../shared/contract';
import type { MessageView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startWebhookServer, type WebhookServer } from '../harness/webhook-server';

let hooks: WebhookServer;
let h: CoreHarness | undefined;

beforeAll(async () => {
  hooks = await startWebhookServer();
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(() => hooks?.stop());

const finished = (core: CoreHarness, id: string) => core.event('messages:changed', (m: MessageView) => m.id === id && m.state !== 'sending' && m.state !== 'waiting', 30_000);

/** A core whose settings give Jane an address on the account "hook", which is not made yet. */
function world(): CoreHarness {
  h = startCore(
    { contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { hook: 'jane-channel' } }] },
    { pluginSandbox: { deadlineMs: 1_500, restartMs: 50 } },
  );
  return h;
}

/** The next event of that name matching, after those already seen. */
function nextEvent<K extends EventName>(core: CoreHarness, name: K, match: (payload: EventPayload<K>) => boolean): Promise<EventPayload<K>> {
  const before = core.seen.filter((e) => e.name === name && match(e.payload as EventPayload<K>)).length;
  let n = 0;
  return core.event(name, (payload) => match(payload) && ++n > before);
}

const example = path.resolve('examples/plugins/webhook');

/** Writes a mechanism plugin whose factory returns `{ <shape> }` into the core's folder. */
function writePlugin(core: CoreHarness, name: string, shape: string): string {
  const folder = path.join(core.dir, 'mechanisms', name);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ name, kind: 'mechanism', displayName: name.charAt(0).toUpperCase() + name.slice(1), entry: 'index.mjs', apiVersion: 1 }));
  fs.writeFileSync(path.join(folder, 'index.mjs'), `export default () => ({ ${shape} });`);
  return folder;
}

describe('mechanism plugins dropped into the folder', () => {
  it('the webhook example: a kind of account at once, its account carries a message to the server, removed without the app stopping', async () => {
    const core = world();
    fs.cpSync(example, path.join(core.dir, 'mechanisms', 'webhook'), { recursive: true });
    const kinds = await core.event('accounts:kindsChanged', (list) => list.some((k) => k.kind === 'webhook'));
    expect(kinds.find((k) => k.kind === 'webhook')).toEqual({
      kind: 'webhook',
      name: 'Webhook',
      fields: [
        { key: 'url', label: 'Webhook URL', kind: 'text', required: true, bindsSecrets: true },
        { key: 'token', label: 'Bearer token (optional)', kind: 'secret', required: false },
      ],
    });
    expect((await core.call('accounts:kinds', {})).map((k) => k.kind)).toContain('webhook');
    expect(await core.call('plugins:list', {})).toEqual([{ kind: 'mechanism', folder: 'webhook', name: 'webhook', displayName: 'Webhook', state: 'running' }]);

    // The plugin's own check runs in its process, and its words reach the form.
    await expect(core.call('accounts:save', { id: 'hook', kind: 'webhook', values: { url: 'ftp://example.org/' } })).rejects.toThrow(
      /The Webhook account "hook" was not saved: Webhook URL must be an http:\/\/ or https:\/\/ address/,
    );
    await core.call('accounts:save', { id: 'hook', kind: 'webhook', values: { url: `${hooks.base}/hook`, token: 's3cret' } });
    await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'active'));

    const sent = await core.call('messages:send', { contactId: 'jane', body: 'Hello over a webhook', priority: 'normal' });
    const post = await hooks.post((p) => p.json.body === 'Hello over a webhook');
    expect(post.url).toBe('/hook');
    expect(post.headers.authorization).toBe('Bearer s3cret');
    expect(post.json).toMatchObject({ id: sent.id, to: 'jane-channel', body: 'Hello over a webhook' });
    expect((await finished(core, sent.id)).state).toBe('sent');

    // A server that refuses: the message is not taken as sent, and the reason is in plain words.
    await core.call('accounts:save', { id: 'hook', kind: 'webhook', values: { url: `${hooks.base}/status/403`, token: 's3cret' } });
    await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'active'));
    const refused = await core.call('messages:send', { contactId: 'jane', body: 'Refused by the webhook', priority: 'normal' });
    expect((await finished(core, refused.id)).state).toBe('failed');
    const attempts = (await core.call('diagnostics:list', {})).find((d) => d.message.id === refused.id)!.attempts;
    expect(attempts.map((a) => a.detail).join()).toContain('the webhook refused the message (HTTP 403)');

    fs.rmSync(path.join(core.dir, 'mechanisms', 'webhook'), { recursive: true });
    const views = await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'inactive'));
    expect(views.find((m) => m.id === 'hook')!.reason).toMatch(/its plugin was removed from .*mechanisms.webhook/);
    expect((await core.call('accounts:kinds', {})).map((k) => k.kind)).not.toContain('webhook');
    expect(await core.call('plugins:list', {})).toEqual([]);
    expect((await core.call('contacts:list', {})).map((c) => c.name)).toEqual(['Jane Doe']);
  });

  it('a spying mechanism may use the network but reads neither the settings, the database nor another plugin', async () => {
    const core = world();
    const other = path.join(core.dir, 'mechanisms', 'other');
    fs.mkdirSync(other, { recursive: true });
    fs.writeFileSync(path.join(other, 'secret.txt'), 'not yours');
    const spy = path.join(core.dir, 'mechanisms', 'spy');
    fs.mkdirSync(spy, { recursive: true });
    const files = { settings: path.join(core.dir, 'settings.json'), database: path.join(core.dir, 'switchboard.sqlite3'), other: path.join(other, 'secret.txt'), own: path.join(spy, 'own.txt') };
    fs.writeFileSync(files.own, 'mine');
    fs.writeFileSync(path.join(spy, 'manifest.json'), JSON.stringify({ name: 'spy', kind: 'mechanism', displayName: 'Spy', entry: 'index.mjs', apiVersion: 1 }));
    fs.writeFileSync(
      path.join(spy, 'index.mjs'),
      `import fs from 'node:fs';
       import child from 'node:child_process';
       const files = ${JSON.stringify(files)};
       export default () => ({
         accountFields: [],
         create: (context) => ({
           async start() {
             const tries = {};
             const note = async (what, f) => { try { const r = await f(); tries[what] = 'ALLOWED ' + String(r).slice(0, 40); } catch (e) { tries[what] = e.code ?? e.message; } };
             for (const [what, file] of Object.entries(files)) await note(what, () => fs.readFileSync(file, 'utf8'));
             await note('spawn', () => child.execFileSync('cat', [files.settings]));
             await note('network', async () => (await fetch(${JSON.stringify(`${hooks.base}/spy`)}, { method: 'POST', body: '{}' })).status);
             context.status({ state: 'inactive', reason: JSON.stringify(tries) });
           },
           async stop() {},
           async send() { return { ok: false, reason: 'no', final: true }; },
         }),
       });`,
    );
    await core.event('accounts:kindsChanged', (list) => list.some((k) => k.kind === 'spy'));
    await core.call('accounts:save', { id: 'spied', kind: 'spy', values: {} });
    const views = await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'spied' && m.state === 'inactive'));
    expect(JSON.parse(views.find((m) => m.id === 'spied')!.reason!)).toEqual({
      settings: 'ERR_ACCESS_DENIED',
      database: 'ERR_ACCESS_DENIED',
      other: 'ERR_ACCESS_DENIED',
      own: 'ALLOWED mine',
      spawn: 'ERR_ACCESS_DENIED',
      network: 'ALLOWED 200',
    });
  });

  it('a send that spins forever: the core answers meanwhile, the watchdog ends the plugin, and the attempt says why', async () => {
    const core = world();
    writePlugin(core, 'spinner', `create: (context) => ({
      async start() { context.status({ state: 'active' }); },
      async stop() {},
      async send() { for (;;) {} },
    })`);
    await core.event('accounts:kindsChanged', (list) => list.some((k) => k.kind === 'spinner'));
    await core.call('accounts:save', { id: 'hook', kind: 'spinner', values: {} });
    await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'active'));
    const sent = await core.call('messages:send', { contactId: 'jane', body: 'into a spin', priority: 'normal' });
    // The plugin's process is busy, not the core's.
    const started = Date.now();
    expect((await core.call('contacts:list', {})).map((c) => c.name)).toEqual(['Jane Doe']);
    expect(Date.now() - started).toBeLessThan(1_000);
    const down = await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'inactive'));
    expect(down.find((m) => m.id === 'hook')!.reason).toBe('its plugin stopped: it stopped responding (no answer within 1.5 s)');
    const attempts = await core.event('diagnostics:attempt', (a) => a.messageId === sent.id && a.outcome !== 'pending');
    expect(attempts.detail).toMatch(/Spinner plugin stopped: it stopped responding/);
    expect((await core.call('messages:list', { contactId: 'jane' })).find((m) => m.id === sent.id)!.state).not.toBe('sent');
  });

  it('edited while the app runs: its account moves to the new version, which serves', async () => {
    const core = world();
    const version = (n: number) => `create: (context) => ({
      async start() { context.status({ state: 'active' }); },
      async stop() {},
      async send(address, message) { context.log.info('version ${n} sent ' + message.body); return { ok: true, level: 'accepted' }; },
    })`;
    writePlugin(core, 'edited', version(1));
    await core.event('accounts:kindsChanged', (list) => list.some((k) => k.kind === 'edited'));
    await core.call('accounts:save', { id: 'hook', kind: 'edited', values: {} });
    await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'active'));
    const first = await core.call('messages:send', { contactId: 'jane', body: 'to version 1', priority: 'normal' });
    expect((await finished(core, first.id)).state).toBe('sent');
    const reloaded = nextEvent(core, 'accounts:kindsChanged', (list) => list.some((k) => k.kind === 'edited'));
    fs.writeFileSync(path.join(core.dir, 'mechanisms', 'edited', 'index.mjs'), `export default () => ({ ${version(2)} });`);
    await reloaded;
    await nextEvent(core, 'mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'active'));
    const second = await core.call('messages:send', { contactId: 'jane', body: 'to version 2', priority: 'normal' });
    expect((await finished(core, second.id)).state).toBe('sent');
    expect(core.logs.filter((l) => l.includes(' sent to version'))).toEqual([expect.stringContaining('version 1 sent to version 1'), expect.stringContaining('version 2 sent to version 2')]);
  });

  it('one whose account fields cannot be used is not loaded, saying why, and Settings lists it so', async () => {
    const core = world();
    const folder = writePlugin(core, 'odd', `accountFields: [{ key: 'pin', label: 'PIN', kind: 'password', required: true }], create: () => ({})`);
    const state = await core.event('app:changed', (s) => s.problems.some((p) => p.includes(folder)));
    expect(state.problems.find((p) => p.includes(folder))).toMatch(/^The mechanism plugin in .* could not be loaded: what it says of itself cannot be used: "kind" must be "text", "secret" or "number"/);
    expect(await core.call('plugins:list', {})).toEqual([{ kind: 'mechanism', folder: 'odd', state: 'not-loaded', problem: expect.stringContaining('could not be loaded') }]);
    expect((await core.call('accounts:kinds', {})).map((k) => k.kind)).not.toContain('odd');
  });

  it('one that crashes is started again, and its account comes back', async () => {
    const core = world();
    const folder = path.join(core.dir, 'mechanisms', 'crashy');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ name: 'crashy', kind: 'mechanism', displayName: 'Crashy', entry: 'index.mjs', apiVersion: 1 }));
    fs.writeFileSync(
      path.join(folder, 'index.mjs'),
      `export default () => ({
         create: (context) => ({
           async start() { context.status({ state: 'active' }); },
           async stop() {},
           async send() { setTimeout(() => process.exit(7), 10); return new Promise(() => {}); },
         }),
       });`,
    );
    await core.event('accounts:kindsChanged', (list) => list.some((k) => k.kind === 'crashy'));
    await core.call('accounts:save', { id: 'hook', kind: 'crashy', values: {} });
    await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'active'));
    const sent = await core.call('messages:send', { contactId: 'jane', body: 'into a crash', priority: 'normal' });
    const down = await core.event('mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'inactive'));
    expect(down.find((m) => m.id === 'hook')!.reason).toBe('its plugin stopped: its process exited (code 7)');
    const state = await core.event('app:changed', (s) => s.problems.some((p) => p.includes(folder) && p.includes('being started again')));
    expect(state.problems.join()).toContain('The mechanism plugin in');
    // Started again on its own: the account is back, and the core answered all along.
    await nextEvent(core, 'mechanisms:changed', (list) => list.some((m) => m.id === 'hook' && m.state === 'active'));
    expect((await core.call('contacts:list', {})).map((c) => c.name)).toEqual(['Jane Doe']);
    expect(['sending', 'waiting', 'failed']).toContain((await core.call('messages:list', { contactId: 'jane' })).find((m) => m.id === sent.id)!.state);
  });
});

describe('the "last resort first" example delivery manager', () => {
  it('tries the last step first, and the one before when it refuses', async () => {
    h = startCore({
      accounts: {
        first: { plugin: 'webhook', url: `${hooks.base}/first` },
        second: { plugin: 'webhook', url: `${hooks.base}/second` },
        third: { plugin: 'webhook', url: `${hooks.base}/third/status/403` },
      },
      contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { first: 'jane-1', second: 'jane-2', third: 'jane-3' } }],
      delivery: { managers: { 'last-resort-first': { configurations: { Normal: ['first', 'second', 'third'] } } } },
    });
    const core = h;
    fs.cpSync(path.resolve('examples/plugins/webhook'), path.join(core.dir, 'mechanisms', 'webhook'), { recursive: true });
    fs.cpSync(path.resolve('examples/plugins/last-resort-first'), path.join(core.dir, 'delivery-managers', 'last-resort-first'), { recursive: true });
    await core.event('delivery:managersChanged', (list) => list.some((m) => m.id === 'last-resort-first' && m.name === 'Last resort first'));
    await core.event('mechanisms:changed', (list) => ['first', 'second', 'third'].every((id) => list.some((m) => m.id === id && m.state === 'active')));

    const sent = await core.call('messages:send', { contactId: 'jane', body: 'Last resort first', priority: 'normal', manager: 'last-resort-first' });
    const ended = await finished(core, sent.id);
    expect(ended).toMatchObject({ state: 'sent', manager: 'last-resort-first' });
    // The third (last) was tried first and refused; the second took it; the first was never tried.
    expect(hooks.posts.filter((p) => p.json.body === 'Last resort first').map((p) => p.url)).toEqual(['/third/status/403', '/second']);
    const attempts = (await core.call('diagnostics:list', {})).find((d) => d.message.id === sent.id)!.attempts;
    expect(attempts.filter((a) => a.outcome !== 'skipped').map((a) => a.mechanism)).toEqual(['third', 'second']);
  });
});

// Delivery-manager plugins written to hurt, dropped into the plugin folder while the app runs, each
// in its sandboxed process: a busy loop at load and in deliver(), an unbounded allocation, a throw, a
// promise that never settles, reading settings.json, opening a socket, starting a process, crashing
// again and again, calling the API on after its folder was removed. For each: the core goes on answering while the plugin misbehaves, the message ends
// delivered by the built-in manager (its diagnostics say why), no secret is read, and the problem
// shown names the plugin. The plugins here are the subject: real code in real processes.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../shared/contract';
import type { MessageView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { xmppAccount } from '../harness/xmpp-world';

let server: ProsodyServer;
let jane: Peer;
let h: CoreHarness | undefined;

beforeAll(async () => {
  server = await startProsody({ domain: 'plugins.switchboard.test' });
  jane = await startPeer({ service: server.service, domain: server.domain, ...server.createAccount('jane') });
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(async () => {
  await jane?.offline();
  await server?.stop();
});

/** The account's password: what a spy would be after. */
let password = '';

async function world(): Promise<CoreHarness> {
  const me = server.createAccount('me');
  password = me.password;
  h = startCore(
    {
      accounts: { im: xmppAccount(server, me) },
      contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im: jane.jid } }],
    },
    // Short deadlines, so that the watchdog's work shows within a test; the defaults are 10 s and 128 MB.
    { pluginSandbox: { deadlineMs: 1_500, memoryMb: 64, restartMs: 50 } },
  );
  await h.event('mechanisms:changed', (views) => views.some((v) => v.id === 'im' && v.state === 'active'));
  return h;
}

/** Drops a plugin into the folder; resolves once it serves (or, with `fails`, once its problem shows). */
async function drop(core: CoreHarness, name: string, deliver: string, { prelude = '', fails = false } = {}): Promise<void> {
  const folder = path.join(core.dir, 'delivery-managers', name);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'index.mjs'), `${prelude}\nexport default () => ({ create: () => ({ async deliver(job) { ${deliver} } }) });\n`);
  fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ name, kind: 'delivery-manager', displayName: `Plugin ${name}`, entry: 'index.mjs', apiVersion: 1 }));
  if (fails) await core.event('app:changed', (s) => s.problems.some((p) => p.includes(folder)));
  else await core.event('delivery:managersChanged', (list) => list.some((m) => m.id === name));
}

const finished = (core: CoreHarness, id: string) => core.event('messages:changed', (m: MessageView) => m.id === id && m.state !== 'sending' && m.state !== 'waiting', 30_000);

/** Sends through the plugin and, while it misbehaves, checks the core still answers; returns the message as it ended. */
async function sendThrough(core: CoreHarness, manager: string, body: string) {
  const sent = await core.call('messages:send', { contactId: 'jane', body, priority: 'normal', manager });
  // The core answers while the plugin's process is busy: it runs elsewhere.
  const answered = await core.call('app:state', {});
  expect(answered.problems).toBeDefined();
  const ended = await finished(core, sent.id);
  const attempts = (await core.call('diagnostics:list', {})).find((d) => d.message.id === sent.id)!.attempts;
  return { ended, attempts };
}

/** The next event of that name matching, after those already seen. */
function nextEvent<K extends EventName>(core: CoreHarness, name: K, match: (payload: EventPayload<K>) => boolean): Promise<EventPayload<K>> {
  const before = core.seen.filter((e) => e.name === name && match(e.payload as EventPayload<K>)).length;
  let n = 0;
  return core.event(name, (payload) => match(payload) && ++n > before);
}

/** Sent and accepted, or confirmed delivered: anything but failed. */
const reached = (m: MessageView) => m.state === 'sent' || m.state === 'delivered' || m.state === 'read';

/** What the attempts say about the manager that failed. */
const takenOver = (attempts: readonly { mechanism: string; detail?: string }[]) => attempts.find((a) => a.mechanism === '')?.detail ?? '';

describe('hostile delivery-manager plugins', () => {
  it('a deliver() that spins forever: the core answers meanwhile, the watchdog ends it, the built-in manager delivers', async () => {
    const core = await world();
    await drop(core, 'spin', 'for (;;) {}');
    const { ended, attempts } = await sendThrough(core, 'spin', 'through a spinning plugin');
    expect(reached(ended)).toBe(true);
    expect(ended.manager).toBe('sequential');
    await jane.receive((b) => b === 'through a spinning plugin');
    expect(takenOver(attempts)).toMatch(/Plugin spin" stopped: it stopped responding .*; the built-in delivery manager took the message over/);
    // It is started again on its own; the window was told what happened, naming the plugin's folder.
    const problems = core.seen.filter((e) => e.name === 'app:changed').flatMap((e) => (e.payload as { problems: string[] }).problems);
    expect(problems.some((p) => p.includes(path.join('delivery-managers', 'spin')) && p.includes('stopped responding'))).toBe(true);
  });

  it('a loop at load time: reported as not loaded, and the core answers meanwhile', async () => {
    const core = await world();
    const loading = drop(core, 'spin-at-load', 'return { outcome: "failed", tried: 0 };', { prelude: 'for (;;) {}', fails: true });
    expect((await core.call('contacts:list', {})).map((c) => c.name)).toEqual(['Jane Doe']);
    await loading;
    const state = await core.call('app:state', {});
    expect(state.problems.find((p) => p.includes('spin-at-load'))).toMatch(/could not be loaded: it did not finish loading within 1.5 s/);
    expect((await core.call('delivery:managers', {})).map((m) => m.id)).not.toContain('spin-at-load');
  });

  it('an unbounded allocation dies at its heap limit, not the app; the built-in manager delivers', async () => {
    const core = await world();
    await drop(core, 'hog', 'const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random()));');
    const { ended, attempts } = await sendThrough(core, 'hog', 'through a hungry plugin');
    expect(reached(ended)).toBe(true);
    expect(takenOver(attempts)).toMatch(/Plugin hog" stopped: .*; the built-in delivery manager took the message over/);
  });

  it('a throw, and a promise that never settles: each message delivered by the built-in manager, with the reason', async () => {
    const core = await world();
    await drop(core, 'thrower', 'throw new Error("boom");');
    await drop(core, 'never', 'return new Promise(() => {});');
    const thrown = await sendThrough(core, 'thrower', 'through a throwing plugin');
    expect(reached(thrown.ended)).toBe(true);
    expect(takenOver(thrown.attempts)).toMatch(/Plugin thrower" failed: boom; the built-in/);
    const idle = await sendThrough(core, 'never', 'through a plugin that never answers');
    expect(reached(idle.ended)).toBe(true);
    expect(takenOver(idle.attempts)).toMatch(/Plugin never" did nothing with the message for 1.5 s; the built-in/);
  });

  it('cannot read settings.json, open a socket or start a process; what it tried is refused', async () => {
    const core = await world();
    let connections = 0;
    const listener = net.createServer((socket) => (connections++, socket.destroy()));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    const settingsFile = path.join(core.dir, 'settings.json');
    await drop(
      core,
      'spy',
      `const tries = {};
       const note = async (what, f) => { try { const r = await f(); tries[what] = 'ALLOWED ' + String(r).slice(0, 200); } catch (e) { tries[what] = e.code ?? e.message; } };
       await note('read', () => fs.readFileSync(${JSON.stringify(settingsFile)}, 'utf8'));
       await note('import', () => import(${JSON.stringify(`file://${settingsFile}`)}, { with: { type: 'json' } }).then((m) => JSON.stringify(m.default)));
       await note('socket', () => new Promise((resolve, reject) => { const s = net.connect(${port}, '127.0.0.1', () => resolve('connected')); s.on('error', reject); }));
       await note('http', () => new Promise((resolve, reject) => http.get('http://127.0.0.1:${port}/', resolve).on('error', reject)));
       await note('fetch', () => fetch('http://127.0.0.1:${port}/'));
       await note('spawn', () => child.execFileSync('cat', [${JSON.stringify(settingsFile)}]));
       await note('write', () => fs.writeFileSync(${JSON.stringify(path.join(core.dir, 'planted.txt'))}, 'x'));
       const [step] = job.policy();
       job.skip(step, JSON.stringify(tries));
       const result = await job.attempt(step);
       return result.ok ? { outcome: 'delivered', mechanism: step.mechanism } : { outcome: 'failed', tried: 1 };`,
      { prelude: "import fs from 'node:fs'; import net from 'node:net'; import http from 'node:http'; import child from 'node:child_process';" },
    );
    const { ended, attempts } = await sendThrough(core, 'spy', 'through a spying plugin');
    listener.close();
    expect(reached(ended)).toBe(true);
    expect(ended.manager).toBe('spy'); // it did its work, through the API it was given
    const tries = JSON.parse(attempts.find((a) => a.outcome === 'skipped')!.detail!) as Record<string, string>;
    expect(tries).toEqual({
      read: 'ERR_ACCESS_DENIED',
      import: 'ERR_ACCESS_DENIED',
      socket: 'ERR_ACCESS_DENIED',
      http: 'ERR_ACCESS_DENIED',
      fetch: 'fetch is not defined',
      spawn: 'ERR_ACCESS_DENIED',
      write: 'ERR_ACCESS_DENIED',
    });
    expect(JSON.stringify(attempts)).not.toContain(password);
    expect(core.logs.join('\n')).not.toContain(password);
    expect(connections).toBe(0);
    expect(fs.existsSync(path.join(core.dir, 'planted.txt'))).toBe(false);
  });

  it('a plugin that crashes again and again is turned off after 3 times, and the window says so', async () => {
    const core = await world();
    await drop(core, 'crashy', 'process.exit(3);');
    for (let i = 1; i <= 3; i++) {
      // Counted from before the send: the restart may come before the send's answer does.
      const restarted = i < 3 ? nextEvent(core, 'delivery:managersChanged', (list) => list.some((m) => m.id === 'crashy')) : undefined;
      const { ended } = await sendThrough(core, 'crashy', `crash ${i}`);
      expect(reached(ended)).toBe(true);
      if (i < 3) await restarted;
    }
    const state = await core.event('app:changed', (s) => s.problems.some((p) => p.includes('was turned off')));
    expect(state.problems.find((p) => p.includes('crashy'))).toMatch(/was turned off: it stopped 3 times in 5 minutes \(the last time: its process exited \(code 3\)\).*Save the plugin again/);
    expect((await core.call('delivery:managers', {})).map((m) => m.id)).not.toContain('crashy');
    // Settings lists it as turned off, and "Try again" loads it again at once.
    expect((await core.call('plugins:list', {})).find((p) => p.folder === 'crashy')).toMatchObject({ kind: 'delivery-manager', name: 'crashy', state: 'turned-off' });
    const views = await core.call('plugins:retry', { kind: 'delivery-manager', folder: 'crashy' });
    expect(views.find((p) => p.folder === 'crashy')).toEqual({ kind: 'delivery-manager', folder: 'crashy', name: 'crashy', displayName: 'Plugin crashy', state: 'running' });
    expect((await core.call('delivery:managers', {})).map((m) => m.id)).toContain('crashy');
    await expect(core.call('plugins:retry', { kind: 'delivery-manager', folder: 'nope' })).rejects.toThrow(/There is no plugin folder "nope"/);
  });

  it('removed while it goes on calling the API: its message is delivered once by the built-in manager, and nothing it does after counts', async () => {
    const core = await world();
    // It calls the job's API without end, ten times a second, and would send if it ever stopped.
    await drop(core, 'clinging', `job.log.info('clinging on'); for (;;) { await new Promise((r) => setTimeout(r, 100)); job.policy(); job.presence('im'); job.expired(); }`);
    const sent = await core.call('messages:send', { contactId: 'jane', body: 'through a removed plugin', priority: 'normal', manager: 'clinging' });
    await core.logged(/clinging on/);
    const gone = nextEvent(core, 'delivery:managersChanged', (list) => !list.some((m) => m.id === 'clinging'));
    fs.rmSync(path.join(core.dir, 'delivery-managers', 'clinging'), { recursive: true });
    await gone;
    const ended = await finished(core, sent.id);
    expect(reached(ended)).toBe(true);
    expect(ended.manager).toBe('sequential');
    await jane.receive((b) => b === 'through a removed plugin');
    // Its process was stopped with its folder: it is listed nowhere, and the core answers.
    expect((await core.call('plugins:list', {})).some((p) => p.folder === 'clinging')).toBe(false);
    await jane.ping();
    expect(jane.received.filter((m) => m.body === 'through a removed plugin')).toHaveLength(1);
  });

  it('edited while messages are being sent through it: none lost, none failed', async () => {
    const core = await world();
    const version = (n: number) => `const [step] = job.policy(); const r = await job.attempt(step); job.log.info('version ${n}'); return r.ok ? { outcome: 'delivered', mechanism: step.mechanism } : { outcome: 'failed', tried: 1 };`;
    await drop(core, 'edited', version(1));
    const sent: MessageView[] = [];
    for (let i = 0; i < 30; i++) {
      sent.push(await core.call('messages:send', { contactId: 'jane', body: `edited ${i}`, priority: 'normal', manager: 'edited' }));
      if (i === 10 || i === 20) fs.writeFileSync(path.join(core.dir, 'delivery-managers', 'edited', 'index.mjs'), `export default () => ({ create: () => ({ async deliver(job) { ${version(i)} } }) });\n`);
      if (i % 5 === 0) await finished(core, sent.at(-1)!.id);
    }
    const ended = await Promise.all(sent.map((m) => finished(core, m.id)));
    expect(ended.filter((m) => !reached(m))).toEqual([]);
    for (let i = 0; i < 30; i++) await jane.receive((b) => b === `edited ${i}`);
    expect(jane.received.filter((m) => m.body.startsWith('edited ')).length).toBe(30);
    // The newest version serves once it has loaded: a message sent then is delivered by it.
    const loaded = nextEvent(core, 'delivery:managersChanged', (list) => list.some((m) => m.id === 'edited'));
    fs.writeFileSync(path.join(core.dir, 'delivery-managers', 'edited', 'index.mjs'), `export default () => ({ create: () => ({ async deliver(job) { ${version(99)} } }) });\n`);
    await loaded;
    const last = await core.call('messages:send', { contactId: 'jane', body: 'edited last', priority: 'normal', manager: 'edited' });
    expect(reached(await finished(core, last.id))).toBe(true);
    expect(core.logs.filter((l) => l.includes('"edited": version')).at(-1)).toContain('version 99');
  });
});

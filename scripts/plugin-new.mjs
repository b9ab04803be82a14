// `npm run plugin:new -- <delivery-manager|mechanism> <name> [folder]`: makes a working plugin to
// start from, in examples/plugins/<name>/ or the folder given: its manifest (with the plugin API
// version), a README, index.mjs (the factory the sandbox loads) and a test that runs with `node --test`
// in the plugin's folder, needing nothing installed. Copy the folder into <settings folder>/
// delivery-managers/ or mechanisms/ to use it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The plugin API version the manifest names: shared/plugin-manifest.ts's PLUGIN_API_VERSION (a unit test holds them equal). */
export const API_VERSION = 1;

const kinds = ['delivery-manager', 'mechanism'];
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

const title = (name) => name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

const files = {
  'delivery-manager': (name, API) => ({
    'index.mjs': `// ${title(name)}: a delivery-manager plugin for Switchboard. It decides, message by message, which of
// the ways to reach a person to try and in what order; Switchboard sends, verifies and keeps the books.
// This one tries the steps of the message's configuration one after the other, as the built-in
// "sequential" manager does: change deliver() to decide otherwise. See docs/plugins.md.

/** @typedef {import('${API}').DeliveryManagerPluginModule} DeliveryManagerPluginModule */

/** @type {() => DeliveryManagerPluginModule} */
export default () => ({
  create: () => ({
    async deliver(job) {
      let tried = 0;
      for (const { mechanism } of job.configuration.steps) {
        if (job.expired()) return { outcome: 'expired' };
        // The policy changes while we wait: ask again before every step.
        const step = job.policy().find((s) => s.mechanism === mechanism);
        if (!step) continue;
        if (step.ask && !(await job.ask())) {
          job.skip(step, 'the sender said no');
          continue;
        }
        tried++;
        const result = await job.attempt(step);
        if (result.ok) return { outcome: 'delivered', mechanism };
      }
      return { outcome: 'failed', tried };
    },
  }),
});
`,
    [`${name}.test.mjs`]: `// Runs with \`node --test\` in this folder: the plugin's deliver() against a stand-in job.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import plugin from './index.mjs';

const step = (mechanism) => ({ mechanism, parallelWithNext: false, verify: 'accepted', ask: false });

function job(steps, works) {
  const attempts = [];
  return {
    attempts,
    message: { id: 'm1', contactName: 'Jane', priority: 'normal' },
    configuration: { name: 'Normal', steps },
    policy: () => steps,
    attempt: async (s) => (attempts.push(s.mechanism), works.includes(s.mechanism) ? { ok: true, level: 'accepted' } : { ok: false, reason: 'down', final: false }),
    skip: () => {},
    presence: () => 'none',
    receipts: () => false,
    ask: async () => true,
    expired: () => false,
    log: { info() {}, warn() {}, error() {} },
  };
}

test('delivers on the first step that works, in the configuration\\'s order', async () => {
  const j = job([step('im'), step('mail')], ['mail']);
  assert.deepEqual(await plugin().create().deliver(j), { outcome: 'delivered', mechanism: 'mail' });
  assert.deepEqual(j.attempts, ['im', 'mail']);
});

test('fails, saying how many it tried, when none works', async () => {
  assert.deepEqual(await plugin().create().deliver(job([step('im')], [])), { outcome: 'failed', tried: 1 });
});
`,
  }),
  mechanism: (name, API) => ({
    'index.mjs': `// ${title(name)}: a mechanism plugin for Switchboard, a way to carry messages (a protocol, a service).
// This one is a loopback to start from: every message sent is accepted and comes back as a reply from
// the address it went to. Replace send() with your protocol's (the plugin may use the network, and
// read only its own folder). See docs/plugins.md.

/** @typedef {import('${API}').MechanismPluginModule} MechanismPluginModule */

/** @type {() => MechanismPluginModule} */
export default () => ({
  // The fields of its accounts, for the form in Settings; a 'secret' is sealed by the OS keychain.
  accountFields: [{ key: 'greeting', label: 'Reply prefix', kind: 'text', required: true }],
  capabilities: { presence: false, receipts: false },

  validateAccount(account) {
    return typeof account.greeting === 'string' && account.greeting.trim() !== '' ? [] : ['Reply prefix must not be empty'];
  },

  create(context) {
    return {
      async start() {
        context.status({ state: 'active' });
      },
      async stop() {},
      async send(address, message) {
        setTimeout(() => context.incoming({ from: address, body: \`\${context.account.greeting} \${message.body}\` }), 10);
        return { ok: true, level: 'accepted' };
      },
    };
  },
});
`,
    [`${name}.test.mjs`]: `// Runs with \`node --test\` in this folder: the plugin's mechanism against a stand-in context.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import plugin from './index.mjs';

function context(account) {
  const seen = { statuses: [], incoming: [] };
  return {
    seen,
    account,
    addresses: () => [],
    log: { info() {}, warn() {}, error() {} },
    status: (s) => seen.statuses.push(s),
    presence() {},
    incoming: (m) => seen.incoming.push(m),
    lastServerId: () => undefined,
    suggest() {},
    receipt() {},
  };
}

test('an account without its field is refused, saying which', async () => {
  assert.deepEqual(await plugin().validateAccount({}), ['Reply prefix must not be empty']);
});

test('a message sent is accepted, and the reply comes back', async () => {
  const c = context({ greeting: 'Re:' });
  const mechanism = plugin().create(c);
  await mechanism.start();
  assert.deepEqual(c.seen.statuses, [{ state: 'active' }]);
  assert.deepEqual(await mechanism.send('jane', { id: 'm1', body: 'hello' }), { ok: true, level: 'accepted' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(c.seen.incoming, [{ from: 'jane', body: 'Re: hello' }]);
  await mechanism.stop();
});
`,
  }),
};

const readme = (kind, name) => `# ${title(name)}

A ${kind} plugin for Switchboard, made by \`npm run plugin:new -- ${kind} ${name}\`.

- \`manifest.json\`: its name, kind, the name shown, its entry, and the plugin API version (${API_VERSION}).
- \`index.mjs\`: the plugin; its default export is a factory the sandbox calls once it has loaded it.
- \`${name}.test.mjs\`: its test, run with \`node --test\` in this folder.

Install it by copying this folder to \`<settings folder>/${kind === 'mechanism' ? 'mechanisms' : 'delivery-managers'}/${name}/\`
(on Linux \`~/.config/switchboard/\`) while Switchboard runs: it is loaded at once, and reloaded when
you save a file here. It runs in a process of its own and may read only this folder${kind === 'mechanism' ? '' : ', with no network'}.
The types are in \`shared/plugin-api.ts\` of the Switchboard repository; the guide is \`docs/plugins.md\`.
`;

/** Writes a new plugin of that kind into `folder`; returns the files written. Throws, saying why, when it cannot. */
export function scaffold(kind, name, folder) {
  if (!kinds.includes(kind)) throw new Error(`the kind must be ${kinds.join(' or ')}, not "${kind}"`);
  if (!NAME.test(name ?? '')) throw new Error('the name must be lower-case letters, digits and dashes (starting with a letter or digit)');
  if (fs.existsSync(folder) && fs.readdirSync(folder).length > 0) throw new Error(`${folder} already exists and is not empty`);
  const manifest = { name, kind, displayName: title(name), entry: 'index.mjs', apiVersion: API_VERSION };
  // The types, for an editor's checking: a path from the plugin to this checkout's shared/plugin-api.ts.
  const api = path.relative(path.resolve(folder), fileURLToPath(new URL('../shared/plugin-api.ts', import.meta.url))).split(path.sep).join('/').replace(/\.ts$/, '');
  const all = { 'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`, 'README.md': readme(kind, name), ...files[kind](name, api) };
  fs.mkdirSync(folder, { recursive: true });
  for (const [file, text] of Object.entries(all)) fs.writeFileSync(path.join(folder, file), text);
  return Object.keys(all).map((file) => path.join(folder, file));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [kind, name, folder] = process.argv.slice(2);
  try {
    const where = folder ?? path.join('examples', 'plugins', name ?? '');
    const written = scaffold(kind, name, where);
    console.log(`made a ${kind} plugin in ${where}:\n${written.map((f) => `  ${f}`).join('\n')}\nTest it with: cd ${where} && node --test`);
  } catch (error) {
    console.error(`plugin:new: ${error.message}\nusage: npm run plugin:new -- <delivery-manager|mechanism> <name> [folder]`);
    process.exit(2);
  }
}

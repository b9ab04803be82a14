// End to end in Debian's Chromium through the browser host: a real Prosody, a real peer client,
// the real host process and the real renderer.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { test } from '@playwright/test';
import { conversationFlow } from './flow';
import { makeWorld, type World } from './world';

let world: World;
let host: ChildProcess | undefined;
let hostLog = '';

test.beforeEach(async () => {
  world = await makeWorld();
});

test.afterEach(async ({}, testInfo) => {
  host?.kill('SIGTERM');
  if (host && host.exitCode === null) await new Promise((r) => host!.once('exit', r));
  if (testInfo.status !== testInfo.expectedStatus) {
    fs.writeFileSync(testInfo.outputPath("host.log"), hostLog);
    await testInfo.attach('host.log', { body: hostLog, contentType: 'text/plain' });
    if (fs.existsSync(world.server.logFile)) await testInfo.attach('prosody.log', { path: world.server.logFile, contentType: 'text/plain' });
  }
  await world.stop();
});

/** Starts `node dist/host/main.js` as `npm start` does and resolves with the URL it prints. */
async function startHost(configDir: string): Promise<string> {
  // Without NODE_EXTRA_CA_CERTS: Switchboard must trust the server through its own caFile setting.
  const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
  host = spawn(process.execPath, ['dist/host/main.js'], { env: { ...env, SWITCHBOARD_CONFIG_DIR: configDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  hostLog = '';
  host.stderr!.on('data', (d: Buffer) => (hostLog += d.toString()));
  return new Promise((resolve, reject) => {
    host!.stdout!.on('data', (d: Buffer) => {
      hostLog += d.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(hostLog)?.[0];
      if (url) resolve(url);
    });
    host!.once('exit', (code) => reject(new Error(`the browser host exited (${code}):\n${hostLog}`)));
  });
}

test('contact list follows a real peer and a conversation goes both ways', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  const url = await startHost(world.configDir);
  await page.goto(url);
  try {
    await conversationFlow(page, world);
  } finally {
    if (pageErrors.length) fs.writeFileSync(test.info().outputPath('page-errors.log'), pageErrors.join('\n'));
  }
  test.expect(pageErrors, 'errors in the page (CSP violations included)').toEqual([]);
});

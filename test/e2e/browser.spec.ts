// End to end in Debian's Chromium through the browser host: a real Prosody, a real peer client,
// the real host process and the real renderer.
import fs from 'node:fs';
import { test } from '@playwright/test';
import { startHostProcess, type HostProcess } from '../harness/host-process';
import { conversationFlow } from './flow';
import { makeWorld, pageErrors, type World } from './world';

let world: World;
let host: HostProcess | undefined;

test.beforeEach(async () => {
  world = await makeWorld();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    if (host) fs.writeFileSync(testInfo.outputPath('host.log'), host.output());
    if (fs.existsSync(world.server.logFile)) await testInfo.attach('prosody.log', { path: world.server.logFile, contentType: 'text/plain' });
  }
  await host?.kill('SIGTERM');
  await world.stop();
});

test('contact list follows a real peer and a conversation goes both ways', async ({ page }) => {
  const errors = pageErrors(page);
  host = await startHostProcess(world.configDir);
  await page.goto(host.url);
  // Connected (the contact list came over the WebSocket), the token is gone from the address and the history entry,
  // and a reload of the tab still connects with the token it kept.
  const friend = page.getByRole('button', { name: world.friendName });
  await test.expect(friend).toBeVisible();
  const token = new URLSearchParams(new URL(host.url).hash.slice(1)).get('token')!;
  test.expect(await page.evaluate(() => location.href)).toBe(`${host.origin}/`);
  test.expect(page.url()).not.toContain(token);
  await page.reload();
  await test.expect(friend).toBeVisible();
  test.expect(await page.evaluate(() => location.href)).toBe(`${host.origin}/`);
  try {
    await conversationFlow(page, world);
  } finally {
    if (errors.length) fs.writeFileSync(test.info().outputPath('page-errors.log'), errors.join('\n'));
  }
  test.expect(errors, 'errors in the page (CSP violations included)').toEqual([]);
});

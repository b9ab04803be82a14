// Ten thousand people in the contact list, in Debian's Chromium through the browser host, with a real
// Prosody and a real peer: the list paints with only a screenful of rows in the page, the far end of
// it is reachable by scrolling, and one person's presence still follows their real client.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startHostProcess, type HostProcess } from '../harness/host-process';
import { startPeer, type Peer } from '../harness/peer';
import { makeWorld, stopAfterTest, type World } from './world';

const PEOPLE = 10_000;
let world: World;
let host: HostProcess | undefined;
const peers: Peer[] = [];

test.beforeEach(async () => {
  world = await makeWorld();
  // The world's settings, with ten thousand more people (no addresses: only the list is under test).
  const file = path.join(world.configDir, 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as { contacts: unknown[] };
  for (let i = 1; i <= PEOPLE; i++) settings.contacts.push({ id: `p${i}`, name: `Zed ${String(i).padStart(5, '0')}`, addresses: {} });
  fs.writeFileSync(file, JSON.stringify(settings));
});

test.afterEach(async ({}, testInfo) => {
  await stopAfterTest(testInfo, host, peers.splice(0), world.server);
});

test('ten thousand contacts: a screenful of rows in the page, the last one reachable, presence still live', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  host = await startHostProcess(world.configDir);
  await page.goto(host.url);
  const friend = page.getByRole('button', { name: world.friendName });
  await expect(friend).toBeVisible();
  const rows = await page.locator('.contact').count();
  expect(rows, 'rows in the page').toBeLessThan(80);
  expect(await page.getByRole('list', { name: 'Contacts' }).getByRole('listitem').first().getAttribute('aria-setsize')).toBe(String(PEOPLE + 2));

  // Her client signs in: her row turns green, among ten thousand.
  peers.push(await startPeer({ service: world.server.service, domain: world.server.domain, ...world.friend }));
  await expect(friend.getByRole('img')).toHaveAttribute('data-glyph', 'available');

  // The far end of the list is a scroll away.
  await page.locator('.contacts-scroller').evaluate((e) => e.scrollTo(0, e.scrollHeight));
  await expect(page.getByRole('button', { name: `Zed ${String(PEOPLE).padStart(5, '0')}` })).toBeVisible();
  expect(await page.locator('.contact').count(), 'rows in the page after scrolling').toBeLessThan(80);
  expect(pageErrors, 'errors in the page (CSP violations included)').toEqual([]);
});

// Ten thousand people in the contact list, in Debian's Chromium through the browser host, with a real
// Prosody and a real peer: the list paints with only a screenful of rows in the page, the far end of
// it is reachable by scrolling, and one person's presence (and the words they set) still follows their real client. And a
// conversation of five thousand messages opens on its newest page, reads back page by page, and keeps only what is in view in the page.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { MessageStore } from '../../core/messages/store';
import { openDatabase } from '../../core/storage/database';
import { HISTORY_PAGE } from '../../shared/history';
import { startHostProcess, type HostProcess } from '../harness/host-process';
import { startPeer, type Peer } from '../harness/peer';
import { makeWorld, pageErrors, stopAfterTest, type World } from './world';

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
  const errors = pageErrors(page);
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
  // She sets herself busy with a few words: the row turns red and shows them under her name.
  await peers[0]!.setShow('dnd', 'In a meeting until 3');
  await expect(friend.getByRole('img')).toHaveAttribute('data-glyph', 'unavailable');
  await expect(friend).toContainText('In a meeting until 3');

  // The far end of the list is a scroll away.
  await page.locator('.contacts-scroller').evaluate((e) => e.scrollTo(0, e.scrollHeight));
  await expect(page.getByRole('button', { name: `Zed ${String(PEOPLE).padStart(5, '0')}` })).toBeVisible();
  expect(await page.locator('.contact').count(), 'rows in the page after scrolling').toBeLessThan(80);
  expect(errors, 'errors in the page (CSP violations included)').toEqual([]);
});

test('a conversation of five thousand messages opens on its newest page and reads back a page at a time, keeping the place', async ({ page }) => {
  // A long-time user's history, written into the real database before the host starts.
  const db = openDatabase(world.configDir);
  const store = new MessageStore(db);
  db.transaction(() => {
    for (let i = 1; i <= 5000; i++) {
      store.add({ id: `h${String(i).padStart(5, '0')}`, contactId: 'pamela', direction: i % 2 ? 'in' : 'out', body: `History ${i}`, state: i % 2 ? 'received' : 'read', at: 1_700_000_000_000 + i * 1000, priority: 'normal' });
    }
  })();
  db.close();
  host = await startHostProcess(world.configDir);
  await page.goto(host.url);
  await page.getByRole('button', { name: world.friendName }).click();
  const messages = page.getByRole('list', { name: 'Messages' });
  await expect(messages.getByText('History 5000', { exact: true })).toBeVisible();
  // The newest page is loaded, and only what is in view (with a margin) is in the page.
  const loaded = () => messages.getByRole('listitem').first().getAttribute('aria-setsize');
  expect(await loaded(), 'messages loaded on open').toBe(String(HISTORY_PAGE));
  expect(await page.locator('.message').count(), 'messages in the page on open').toBeLessThan(HISTORY_PAGE);

  // Scrolling up to the top brings the page before, above, and what was at the top stays in view.
  const firstShown = messages.getByText(`History ${5000 - HISTORY_PAGE + 1}`, { exact: true });
  await page.locator('.messages-scroller').evaluate((e) => e.scrollTo(0, 0));
  await expect(messages.getByText(`History ${5000 - HISTORY_PAGE}`, { exact: true })).toBeAttached();
  await expect.poll(loaded, { message: 'messages loaded after one older page' }).toBe(String(2 * HISTORY_PAGE));
  expect(await page.locator('.message').count(), 'messages in the page after one older page').toBeLessThan(HISTORY_PAGE);
  await expect(firstShown).toBeInViewport();
});

// A newcomer, end to end in Chromium, without touching a file: from an empty settings folder they
// add their XMPP account on a real Prosody through the welcome (seeing first, in words, why it
// failed), take a person their account's roster offers and add another by hand, see the glyph
// follow a real peer, chat both ways, get an unread badge while in another conversation, and change
// a delivery configuration and see the route preview change. Every screen passes axe, light and dark.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startHostProcess, type HostProcess } from '../harness/host-process';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { expectAccessible } from './axe';
import { expectNoLeaks, pageErrors, stopAfterTest } from './world';

let server: ProsodyServer | undefined;
let host: HostProcess | undefined;
const peers: Peer[] = [];

test.afterEach(({}, testInfo) => stopAfterTest(testInfo, host, peers, server));

test('a newcomer sets up an account and people through the window and chats', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = pageErrors(page);
  server = await startProsody({ domain: 'newcomer.switchboard.test' });
  const me = server.createAccount('me');
  const pamela = server.createAccount('pamela');
  const frank = server.createAccount('frank');
  // The user's phone already has Pamela in the account's contact list (the roster on the server).
  const phone = await startPeer({ service: server.service, domain: server.domain, ...me, resource: 'phone' });
  await phone.addToRoster(pamela.jid, 'Pamela White');
  await phone.offline();
  const secrets = [pamela.jid, frank.jid, me.jid, server.domain, 'xmpp://', '127.0.0.1'];

  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-newcomer-'));
  host = await startHostProcess(configDir);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host.url);

  // The welcome, in words people know.
  await expect(page.getByRole('heading', { name: 'Welcome to Switchboard' })).toBeVisible();
  await expectAccessible(page, 'welcome');
  await page.getByRole('button', { name: /Jabber \/ XMPP/ }).click();
  const form = page.getByRole('form', { name: /Add an account/ });
  await form.getByLabel('Address (name@server)').fill(me.jid);
  await form.getByLabel('Password').fill(me.password);
  await form.getByText('More options').click();
  await form.getByLabel(/Server to dial/).fill(server.service);
  await form.getByRole('button', { name: 'Connect' }).click();
  // The server's certificate is made by this test's own CA, which this machine does not trust: said in words, with what to do.
  const why = page.locator('.connection').getByRole('alert');
  await expect(why).toContainText(/certificate/i);
  await expect(why).not.toContainText(/UNABLE_TO|SELF_SIGNED|ERR_|zod|Invalid input/);
  await expectAccessible(page, 'welcome-account-failed');
  await form.getByLabel(/CA certificate file/).fill(server.caFile);
  await form.getByRole('button', { name: 'Try again' }).click();
  await expect(page.locator('.connection')).toContainText('Connected.');
  await page.getByRole('button', { name: 'Next: your people' }).click();

  // The account's roster offers Pamela, by the name the phone gave her.
  const offered = page.getByRole('list', { name: 'People your account knows' });
  await expect(offered.getByRole('textbox')).toHaveValue('Pamela White');
  await expectAccessible(page, 'welcome-people');
  await offered.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByText('1 person in your list.')).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();

  // The list, with nobody's address or system in it.
  const pamelaRow = page.getByRole('button', { name: /^Pamela White/ });
  await expect(pamelaRow).toBeVisible();
  await expectNoLeaks(page, { secrets });

  // Frank, added by hand: a name and his address on the account.
  await page.getByRole('button', { name: 'Add a person' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await expectAccessible(page, 'add-person');
  await dialog.getByLabel('Name').fill('Frank White');
  await dialog.getByLabel(/Jabber \/ XMPP/).fill(frank.jid);
  await dialog.getByRole('button', { name: 'Add person' }).click();
  await expect(dialog).toHaveCount(0);
  // His conversation opened, and the cursor is where one writes to him.
  await expect(page.getByRole('textbox', { name: 'Message to Frank White' })).toBeFocused();

  // Pamela comes online: her glyph follows.
  const pam = await startPeer({ service: server.service, domain: server.domain, ...pamela });
  peers.push(pam);
  const glyph = pamelaRow.getByRole('img');
  await expect(glyph).toHaveAttribute('data-glyph', 'available');
  await pam.setShow('dnd', 'In a meeting');
  await expect(glyph).toHaveAttribute('data-glyph', 'unavailable');
  await expect(pamelaRow).toHaveAccessibleName(/^Pamela White, Busy, do not disturb/);

  // Both ways.
  await pamelaRow.click();
  await expect(page.locator('.conversation-presence')).toContainText('Busy, do not disturb · In a meeting');
  const compose = page.getByRole('textbox', { name: 'Message to Pamela White' });
  await expect(compose).toBeFocused();
  await compose.fill('Lunch at noon?');
  await compose.press('Enter');
  await pam.receive((body) => body === 'Lunch at noon?');
  await pam.say(me.jid, 'Yes, see you there');
  await expect(page.locator('.message-in', { hasText: 'Yes, see you there' })).toBeVisible();
  await expect(page.locator('.day-separator', { hasText: 'Today' })).toBeVisible();
  await expectAccessible(page, 'conversation');

  // A draft is Frank's own: it stays with him, and Pamela's box is empty.
  await page.getByRole('button', { name: /^Frank White/ }).click();
  const toFrank = page.getByRole('textbox', { name: 'Message to Frank White' });
  await toFrank.fill('Half-written');
  await pamelaRow.click();
  await expect(compose).toHaveValue('');
  await page.getByRole('button', { name: /^Frank White/ }).click();
  await expect(toFrank).toHaveValue('Half-written');

  // While Frank's conversation is open, Pamela writes: a badge on her row, bold, and the title.
  await pam.say(me.jid, 'Running late');
  await expect(pamelaRow).toHaveAccessibleName(/1 unread/);
  await expect(pamelaRow.locator('.badge')).toHaveText('1');
  await expect(pamelaRow.locator('.contact-preview')).toHaveText('Running late');
  await expect(page).toHaveTitle('(1) Switchboard');
  await expect(page.getByRole('list', { name: 'Contacts' }).getByRole('button').first()).toHaveAccessibleName(/^Pamela White/); // recent first
  await expectAccessible(page, 'unread');
  await pamelaRow.click();
  await expect(pamelaRow.locator('.badge')).toHaveCount(0);
  await expect(page).toHaveTitle('Switchboard');
  await expectNoLeaks(page, { secrets });

  // Settings › Delivery: the route preview for Pamela, urgent; then an Urgent configuration that asks first.
  await page.getByRole('button', { name: 'Settings' }).click();
  await expectAccessible(page, 'settings-accounts');
  await page.getByRole('navigation', { name: 'Settings pages' }).getByRole('button', { name: 'People' }).click();
  await expectAccessible(page, 'settings-people');
  await page.getByRole('navigation', { name: 'Settings pages' }).getByRole('button', { name: 'Delivery' }).click();
  const preview = page.getByRole('region', { name: 'Why this route' });
  await preview.getByLabel('To').selectOption({ label: 'Pamela White' });
  await preview.getByLabel('Urgency').selectOption('urgent');
  const route = preview.getByRole('list', { name: 'Route' });
  await expect(route.getByRole('listitem')).toHaveCount(1);
  await expect(route.getByRole('listitem').first()).toHaveAttribute('data-verdict', 'included');
  await expect(route).not.toContainText('Asks you first');
  const manager = page.getByRole('region', { name: 'One after another' });
  await manager.getByLabel(/Name of a new configuration/).fill('Urgent');
  await manager.getByRole('button', { name: 'Add a configuration' }).click();
  await manager.getByRole('region', { name: /Urgent/ }).getByLabel('Ask me first').check();
  await page.getByRole('button', { name: 'Save delivery settings' }).click();
  await expect(page.getByRole('form', { name: 'Delivery settings' }).getByRole('status')).toContainText('Saved');
  await expect(preview.locator('.route-choice')).toContainText('Urgent');
  await expect(route).toContainText('Asks you first');
  await preview.scrollIntoViewIfNeeded(); // the route in view for the screenshot
  await expectAccessible(page, 'settings-delivery');
  await page.getByRole('navigation', { name: 'Settings pages' }).getByRole('button', { name: 'Diagnostics' }).click();
  await expectAccessible(page, 'settings-diagnostics');

  // Escape leaves Settings, focus back on its button.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('region', { name: 'Settings' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Settings' })).toBeFocused();

  // Arrow keys move through the list.
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('searchbox', { name: 'Find a person' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.contact:focus')).toHaveCount(1);
  const first = await page.locator('.contact:focus').getAttribute('data-index');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.contact:focus')).toHaveAttribute('data-index', String(Number(first) + 1));

  // A phone-sized window: no sideways scrolling, the list is a drawer.
  await page.setViewportSize({ width: 360, height: 720 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await expectAccessible(page, 'narrow');

  expect(errors, 'errors in the page (CSP violations among them)').toEqual([]);
  // Nothing was written by hand: the settings file exists because the window made it.
  expect(JSON.parse(fs.readFileSync(path.join(configDir, 'settings.json'), 'utf8')).contacts).toHaveLength(2);
});

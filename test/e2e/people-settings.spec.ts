// Managing people and accounts from Settings, end to end in Chromium on a real Prosody: a person
// renamed, two people of the same name merged through the suggestion (their conversations joined),
// one removed, the account turned off and on, the theme switched by hand. Each change shows at once,
// without restart; a dialog keeps Tab inside and Escape gives focus back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { connectIpc, startHostProcess, type HostProcess } from '../harness/host-process';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { expectAccessible } from './axe';
import { pageErrors, stopAfterTest } from './world';

let server: ProsodyServer | undefined;
let host: HostProcess | undefined;
const peers: Peer[] = [];

test.afterEach(({}, testInfo) => stopAfterTest(testInfo, host, peers, server));

test('people and accounts are changed in Settings and the window follows at once', async ({ page, context }) => {
  test.setTimeout(180_000);
  // Desktop notifications allowed, and each one the page shows recorded (Chromium's real Notification runs as well).
  await context.grantPermissions(['notifications']);
  await context.addInitScript(() => {
    const Real = window.Notification;
    const shown: { title: string; body: string }[] = [];
    Object.defineProperty(window, 'shownNotifications', { value: shown });
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '' });
      }
    }
    window.Notification = Recorded;
  });
  const errors = pageErrors(page);
  server = await startProsody({ domain: 'people.switchboard.test' });
  const me = server.createAccount('me');
  const jane = server.createAccount('jane');
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-people-'));
  // Jane was added twice, once without an address, as happens: the window suggests they are one.
  fs.writeFileSync(
    path.join(configDir, 'settings.json'),
    JSON.stringify({
      accounts: { chat: { plugin: 'xmpp', jid: me.jid, password: me.password, service: server.service, caFile: server.caFile } },
      contacts: [
        { id: 'jane', name: 'Jane Doe', addresses: { chat: jane.jid } },
        { id: 'jane-2', name: 'jane doe', addresses: {} },
        { id: 'sam', name: 'Sam Green', addresses: {} },
      ],
    }),
  );
  host = await startHostProcess(configDir);
  await page.goto(host.url);
  const peer = await startPeer({ service: server.service, domain: server.domain, ...jane });
  peers.push(peer);
  await expect(page.getByRole('button', { name: /^Jane Doe, Available/ })).toBeVisible();

  // A message in the second Jane's conversation, so that the merge has something to join.
  await page.getByRole('button', { name: /^jane doe/ }).click();
  const compose = page.getByRole('textbox', { name: 'Message to jane doe' });
  // Shift+Enter is a new line; Enter while an input method composes a word sends nothing.
  await compose.fill('Note to self');
  await compose.press('Shift+Enter');
  await compose.pressSequentially('second line');
  await compose.dispatchEvent('keydown', { key: 'Enter', isComposing: true });
  await expect(compose).toHaveValue('Note to self\nsecond line');
  await compose.press('Enter');
  await expect(compose).toHaveValue('');
  await expect(page.locator('.message-out', { hasText: 'second line' })).toBeVisible();

  await page.getByRole('button', { name: 'Settings' }).click();
  const pages = page.getByRole('navigation', { name: 'Settings pages' });
  await pages.getByRole('button', { name: 'People' }).click();
  const suggestion = page.getByRole('region', { name: 'Suggestions' });
  await expect(suggestion).toContainText('Jane Doe');
  await expectAccessible(page, 'settings-people-suggestion');
  await suggestion.getByRole('button', { name: 'Merge' }).click();
  await expect(suggestion).toHaveCount(0);
  // One Jane left in the list, holding both conversations.
  const list = page.getByRole('list', { name: 'Contacts' });
  await expect(list.getByRole('button', { name: /^Jane/i })).toHaveCount(1);

  // Sam renamed on his page: the list says so at once.
  await page.getByRole('list', { name: 'Everyone' }).getByRole('button', { name: 'Sam Green' }).click();
  const samPage = page.getByRole('region', { name: 'Sam Green’s page' });
  await samPage.getByLabel('Name').fill('Samuel Green');
  await samPage.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(list.getByRole('button', { name: /^Samuel Green/ })).toBeVisible();

  // Removing asks first, in a dialog that keeps focus inside and gives it back on Escape.
  const removeButton = page.getByRole('button', { name: /^Remove Samuel Green|^Remove Sam Green/ });
  await removeButton.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('button', { name: 'Keep' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(dialog.locator(':focus')).toHaveCount(1); // Tab went round inside, not behind it
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Settings' })).toBeVisible(); // Escape closed the dialog, not Settings
  await expect(removeButton).toBeFocused();
  await removeButton.click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(list.getByRole('button', { name: /Green/ })).toHaveCount(0);

  // The account turned off: Jane's glyph goes; turned on: it comes back.
  await pages.getByRole('button', { name: 'Accounts' }).click();
  const account = page.getByRole('listitem', { name: /account chat$/ });
  await expect(account).toContainText('Connected');
  await expectAccessible(page, 'settings-accounts-connected');
  await account.getByRole('button', { name: 'Turn off' }).click();
  await expect(account).toContainText('Turned off');
  const janeGlyph = list.getByRole('button', { name: /^Jane/ }).getByRole('img');
  await expect(janeGlyph).toHaveAttribute('data-glyph', 'none');
  await account.getByRole('button', { name: 'Turn on' }).click();
  await expect(account).toContainText('Connected');
  await expect(janeGlyph).toHaveAttribute('data-glyph', 'available');

  // The theme, by hand: dark although the system is light.
  await page.emulateMedia({ colorScheme: 'light' });
  await pages.getByRole('button', { name: 'Plugins' }).click();
  await expect(page.getByText('None installed.')).toBeVisible();
  await expectAccessible(page, 'settings-plugins');
  await pages.getByRole('button', { name: 'Appearance' }).click();
  await expectAccessible(page, 'settings-appearance');
  await page.getByRole('radio', { name: 'Dark' }).check();
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('dark');
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

  // After all that, the merged conversation holds the note, and a real message from Jane lands there too.
  await list.getByRole('button', { name: /^Jane/ }).click();
  await expect(page.locator('.message-out', { hasText: 'second line' })).toBeVisible();
  await peer.say(me.jid, 'Got it');
  await expect(page.locator('.message-in', { hasText: 'Got it' })).toBeVisible();
  await expect(page.locator('.visually-hidden[aria-live]')).toHaveText('Message from Jane Doe: Got it');

  // Read at once, the conversation being open in a focused window (the core confirms it).
  const janeRow = list.getByRole('button', { name: /^Jane/ });
  await expect(janeRow).not.toHaveAccessibleName(/unread/);
  const ipc = await connectIpc(host);
  try {
    await expect.poll(async () => (await ipc.call('conversations:summaries', {})).find((c) => c.contactId === 'jane')?.unread).toBe(0);
  } finally {
    ipc.close();
  }

  // The window in the background (another window has focus: a headless browser has none, so the
  // page is told so): a message shows a desktop notification and stays unread until the window is back.
  await page.evaluate(() => Object.defineProperty(document, 'hasFocus', { value: () => false, configurable: true }));
  await peer.say(me.jid, 'Are you there?');
  await expect.poll(() => page.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications)).toEqual([{ title: 'Jane Doe', body: 'Are you there?' }]);
  await expect(janeRow).toHaveAccessibleName(/1 unread/);
  await page.evaluate(() => {
    delete (document as { hasFocus?: unknown }).hasFocus;
    window.dispatchEvent(new Event('focus'));
  });
  await expect(janeRow).not.toHaveAccessibleName(/unread/);
  expect(errors).toEqual([]);
});

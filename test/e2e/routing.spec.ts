// End to end in Chromium: the sender's side of routing. Urgency chosen in the compose box, the question
// before paging (yes, then no, then Retry), a stranger accepted as a contact, and the diagnostics in
// settings. "pager" is an XMPP account standing in for the SMS gateway until that mechanism exists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startHostProcess, type HostProcess } from '../harness/host-process';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { startTcpProxy } from '../harness/tcp-proxy';
import { expectAccessible } from './axe';
import { expectNoLeaks, stopAfterTest } from './world';

let server: ProsodyServer;
let host: HostProcess | undefined;
const peers: Peer[] = [];

test.afterEach(({}, testInfo) => stopAfterTest(testInfo, host, peers, server));

test('the sender decides before paging, retries, accepts a stranger and reads the diagnostics', async ({ page }) => {
  server = await startProsody({ domain: 'route.switchboard.test' });
  const me = server.createAccount('me');
  const myPager = server.createAccount('mypager');
  const john = server.createAccount('john');
  const johnPagerAccount = server.createAccount('johnpager');
  const pamela = server.createAccount('pamela');
  const account = (a: { jid: string; password: string }) => ({ plugin: 'xmpp', jid: a.jid, password: a.password, service: server.service, caFile: server.caFile });
  const steps = [{ mechanism: 'im', verify: { receiptWithinSeconds: 2 } }, { mechanism: 'pager', ask: true }];
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-route-'));
  fs.writeFileSync(
    path.join(configDir, 'settings.json'),
    JSON.stringify({
      accounts: { im: account(me), pager: account(myPager) },
      contacts: [{ id: 'john', name: 'John Smith', addresses: { im: john.jid, pager: johnPagerAccount.jid } }],
      delivery: { managers: { escalating: { configurations: { Normal: steps, Urgent: steps } } }, rules: [{ manager: 'escalating' }] },
    }),
  );
  const johnIm = await startPeer({ service: server.service, domain: server.domain, ...john });
  const johnPager = await startPeer({ service: server.service, domain: server.domain, ...johnPagerAccount });
  johnPager.receipts = true;
  peers.push(johnIm, johnPager);
  const secrets = [john.jid, johnPagerAccount.jid, me.jid, server.domain, 'xmpp', 'pager'];

  host = await startHostProcess(configDir);
  await page.goto(host.url);
  await page.getByRole('button', { name: 'John Smith' }).click();
  const compose = page.getByRole('textbox', { name: 'Message to John Smith' });

  // Urgent: IM first; with no receipt in time, Switchboard asks before paging.
  await page.getByLabel('Urgency').selectOption('urgent');
  await compose.fill('Meeting moved to 4');
  await compose.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('John Smith has not been reached yet. It is urgent.');
  await expectNoLeaks(page, { secrets });
  // The question takes focus (Escape would answer no) and passes axe.
  await expect(dialog.getByRole('button', { name: 'Yes, try it' })).toBeFocused();
  await expectAccessible(page, 'ask-before-paging');
  expect(johnPager.received).toEqual([]);
  await dialog.getByRole('button', { name: 'Yes, try it' }).click();
  await johnPager.receive((b) => b === 'Meeting moved to 4');
  const first = page.locator('.message-out', { hasText: 'Meeting moved to 4' });
  await expect(first).toHaveAttribute('data-state', 'delivered');
  await expect(first).toContainText('Urgent');

  // The sender says no: the message fails, says why, and offers Retry.
  await compose.fill('Second thought');
  await compose.press('Enter');
  await dialog.getByRole('button', { name: 'No' }).click();
  const second = page.locator('.message-out', { hasText: 'Second thought' });
  await expect(second).toHaveAttribute('data-state', 'failed');
  await expect(second).toContainText('Not delivered: you chose not to try another way of reaching John Smith.');
  await expect(page.locator('.notice')).toContainText('John Smith');
  await second.getByRole('button', { name: 'Retry' }).click();
  await dialog.getByRole('button', { name: 'Yes, try it' }).click();
  await johnPager.receive((b) => b === 'Second thought');
  await expect(second).toHaveAttribute('data-state', 'delivered');
  expect(johnIm.received.filter((m) => m.body === 'Second thought')).toHaveLength(1); // the retry did not resend where it was accepted

  // Someone new writes: they wait in "New people" until accepted, then are a contact like any other.
  const stranger = await startPeer({ service: server.service, domain: server.domain, ...pamela });
  peers.push(stranger);
  await stranger.say(me.jid, 'Hello from the conference!');
  const request = page.getByRole('region', { name: 'New people' });
  await expect(request).toContainText('Hello from the conference!');
  await request.getByRole('textbox', { name: 'Name for this contact' }).fill('Pamela White');
  await request.getByRole('button', { name: 'Add contact' }).click();
  await expect(page.getByRole('region', { name: 'Conversation with Pamela White' })).toContainText('Hello from the conference!');
  await expect(request).toHaveCount(0);

  // The diagnostics, in settings: every attempt with manager, configuration, mechanism and outcome.
  await page.getByRole('button', { name: 'Settings' }).click();
  const pages = page.getByRole('navigation', { name: 'Settings pages' });
  await expect(page.getByRole('list', { name: 'Accounts' })).toContainText('im');
  await pages.getByRole('button', { name: 'Diagnostics' }).click();
  const delivery = page.getByRole('article', { name: /Delivery of “Meeting moved to 4” to John Smith/ });
  await expect(delivery.getByRole('row')).toHaveText([/Manager/, /escalating\s*Urgent\s*im.*accepted: accepted, but no delivery receipt within 2 s/, /escalating\s*Urgent\s*pager.*delivered/]);

  // An account is checked when saved: a wrong field is named, a good one connects.
  await pages.getByRole('button', { name: 'Accounts' }).click();
  await page.getByRole('button', { name: 'Add an account' }).click();
  const form = page.getByRole('form', { name: /Add an account/ });
  await form.getByText('More options').click();
  await form.getByLabel('Account name').fill('work');
  await form.getByLabel('Address (name@server)').fill('not an address');
  await form.getByLabel('Password').fill('whatever');
  await form.getByRole('button', { name: 'Save account' }).click();
  await expect(form.getByRole('alert')).toContainText('must look like name@server');
  await expect(form.getByRole('alert')).not.toContainText('jid:');
  const work = server.createAccount('work');
  await form.getByLabel('Address (name@server)').fill(work.jid);
  await form.getByLabel('Password').fill(work.password);
  await form.getByLabel(/Server to dial/).fill(server.service);
  await form.getByLabel(/CA certificate file/).fill(server.caFile);
  await form.getByRole('button', { name: 'Save account' }).click();
  await expect(page.getByRole('listitem', { name: /account work$/ })).toContainText('Connected');
  await page.getByRole('button', { name: 'Back to conversations' }).click();
  await expect(page.getByRole('region', { name: 'Conversation with Pamela White' })).toBeVisible();
});

test('John answers while the sender is being asked: the question goes away and the page never says "Not delivered"', async ({ page }) => {
  server = await startProsody({ domain: 'reply.switchboard.test' });
  const me = server.createAccount('me');
  const myPager = server.createAccount('mypager');
  const john = server.createAccount('john');
  const johnPagerAccount = server.createAccount('johnpager');
  const account = (a: { jid: string; password: string }) => ({ plugin: 'xmpp', jid: a.jid, password: a.password, service: server.service, caFile: server.caFile });
  const steps = [{ mechanism: 'im', verify: { receiptWithinSeconds: 2 } }, { mechanism: 'pager', ask: true }];
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-reply-'));
  fs.writeFileSync(
    path.join(configDir, 'settings.json'),
    JSON.stringify({
      accounts: { im: account(me), pager: account(myPager) },
      contacts: [{ id: 'john', name: 'John Smith', addresses: { im: john.jid, pager: johnPagerAccount.jid } }],
      delivery: { managers: { escalating: { configurations: { Normal: steps } } }, rules: [{ manager: 'escalating' }] },
    }),
  );
  const johnIm = await startPeer({ service: server.service, domain: server.domain, ...john }); // no receipts
  const johnPager = await startPeer({ service: server.service, domain: server.domain, ...johnPagerAccount });
  peers.push(johnIm, johnPager);

  host = await startHostProcess(configDir);
  await page.goto(host.url);
  await page.getByRole('button', { name: 'John Smith' }).click();
  const compose = page.getByRole('textbox', { name: 'Message to John Smith' });
  await compose.fill('Call me about the contract');
  await compose.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('John Smith has not been reached yet.');

  // John answers on IM while the question is on screen.
  await johnIm.say(me.jid, 'Calling you now');
  const conversation = page.getByRole('region', { name: 'Conversation with John Smith' });
  await expect(conversation).toContainText('Calling you now');
  await expect(dialog).toHaveCount(0);
  const sent = page.locator('.message-out', { hasText: 'Call me about the contract' });
  await expect(sent).toHaveAttribute('data-state', 'delivered');
  await expect(page.getByText('Not delivered')).toHaveCount(0);
  await expect(page.locator('.notice')).toHaveCount(0);
  expect(johnPager.received).toEqual([]);
});

test('a message whose only way is reconnecting waits with a clock, says "still trying", and goes when the way is back', async ({ page }) => {
  server = await startProsody({ domain: 'wait.switchboard.test' });
  const me = server.createAccount('me');
  const sam = server.createAccount('sam');
  const net = await startTcpProxy(server.port);
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-wait-'));
  fs.writeFileSync(
    path.join(configDir, 'settings.json'),
    JSON.stringify({
      accounts: { im: { plugin: 'xmpp', jid: me.jid, password: me.password, service: `xmpp://127.0.0.1:${net.port}`, caFile: server.caFile } },
      contacts: [{ id: 'sam', name: 'Sam Green', addresses: { im: sam.jid } }],
      // 0.005 minutes: "still trying" after 300 ms instead of 10 minutes.
      delivery: { waitNoticeMinutes: 0.005 },
    }),
  );
  const samIm = await startPeer({ service: server.service, domain: server.domain, ...sam });
  peers.push(samIm);
  try {
    host = await startHostProcess(configDir);
    await page.goto(host.url);
    const row = page.getByRole('button', { name: 'Sam Green' });
    await expect(row.locator('[data-glyph="available"]')).toHaveCount(1);
    // The network drops and holds every byte: the account stays reconnecting.
    net.hold();
    net.cut();
    await expect(row.locator('[data-glyph="none"]')).toHaveCount(1);
    await row.click();
    const compose = page.getByRole('textbox', { name: 'Message to Sam Green' });
    await compose.fill('Are we still on for tonight?');
    await compose.press('Enter');
    const message = page.locator('.message-out', { hasText: 'Are we still on for tonight?' });
    await expect(message).toHaveAttribute('data-state', 'waiting');
    await expect(message).toContainText('🕓 Waiting');
    await expect(message).toContainText('Not delivered yet to Sam Green: no way of reaching them is connected. Still trying.');
    await expect(message.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await expect(message.getByRole('button', { name: 'Retry now' })).toBeVisible();
    expect(samIm.received).toEqual([]);

    net.release();
    await samIm.receive((b) => b === 'Are we still on for tonight?');
    await expect(message).toHaveAttribute('data-state', 'sent');
    await expect(message).not.toContainText('Still trying');
    await expect(page.getByText('Not delivered', { exact: false })).toHaveCount(0);
    await expect(page.locator('.notice')).toHaveCount(0);
  } finally {
    await net.close();
  }
});

// End to end in Chromium: text from outside Switchboard cannot rearrange the app's own text. A stranger
// (a real XMPP client on Prosody) writes with a right-to-left override (U+202E) in the message; the New
// people entry, and later the delivery diagnostics, still show the app's closing quote after it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { startHostProcess, type HostProcess } from '../harness/host-process';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { stopAfterTest } from './world';

let server: ProsodyServer | undefined;
let host: HostProcess | undefined;
const peers: Peer[] = [];

test.afterEach(({}, testInfo) => stopAfterTest(testInfo, host, peers, server));

/**
 * Where the app's own characters on the same line as an outside text are drawn, relative to it: each
 * one before it in the page must be drawn to its left, each one after it to its right.
 */
async function misplacedAround(container: Locator, outside: string): Promise<string[]> {
  return container.evaluate((element, needle) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const nodes: Text[] = [];
    while (walker.nextNode()) nodes.push(walker.currentNode as Text);
    const index = nodes.findIndex((n) => n.data.includes(needle));
    if (index < 0) return [`no text "${needle}" in ${element.outerHTML}`];
    const box = (node: Text, start: number, end: number) => {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      return range.getBoundingClientRect();
    };
    const text = box(nodes[index]!, 0, nodes[index]!.data.length);
    const wrong: string[] = [];
    nodes.forEach((node, i) => {
      if (i === index) return;
      for (let c = 0; c < node.data.length; c++) {
        if (!node.data[c]!.trim()) continue;
        const r = box(node, c, c + 1);
        if (r.bottom <= text.top || r.top >= text.bottom) continue; // on another line
        const fine = i < index ? r.right <= text.left + 1 : r.left >= text.right - 1;
        if (!fine) wrong.push(`"${node.data[c]}" ${i < index ? 'before' : 'after'} the text is drawn at ${Math.round(r.left)}–${Math.round(r.right)}, the text at ${Math.round(text.left)}–${Math.round(text.right)}`);
      }
    });
    return wrong;
  }, outside);
}

test('a right-to-left override in a stranger’s message stays inside the message', async ({ page }) => {
  server = await startProsody({ domain: 'bidi.switchboard.test' });
  const me = server.createAccount('me');
  const sam = server.createAccount('sam');
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-bidi-'));
  fs.writeFileSync(
    path.join(configDir, 'settings.json'),
    JSON.stringify({ accounts: { im: { plugin: 'xmpp', jid: me.jid, password: me.password, service: server.service, caFile: server.caFile } }, contacts: [] }),
  );
  const stranger = await startPeer({ service: server.service, domain: server.domain, ...sam });
  peers.push(stranger);
  host = await startHostProcess(configDir);
  await page.goto(host.url);

  // Sam is not a contact yet: the message waits in New people, in the app's quotes.
  await stranger.say(me.jid, 'abc\u202Edef');
  const request = page.getByRole('region', { name: 'New people' });
  const quoted = request.locator('.stranger-message');
  await expect(quoted).toContainText('abc\u202Edef');
  expect(await misplacedAround(quoted, 'abc\u202Edef')).toEqual([]);

  // Accepted, Sam is a contact; the user's own reply, with the same override, goes out.
  await request.getByRole('textbox', { name: 'Name for this contact' }).fill('Sam');
  await request.getByRole('button', { name: 'Add contact' }).click();
  const conversation = page.getByRole('region', { name: 'Conversation with Sam' });
  await expect(conversation.locator('.message-in')).toContainText('abc\u202Edef');
  const compose = page.getByRole('textbox', { name: 'Message to Sam' });
  await compose.fill('xyz\u202Euvw');
  await compose.press('Enter');
  await stranger.receive((b) => b === 'xyz\u202Euvw');
  await expect(conversation.locator('.message-out')).toHaveAttribute('data-state', 'sent');

  // The diagnostics line names the contact, quotes the message and gives its state, in that order.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings pages' }).getByRole('button', { name: 'Diagnostics' }).click();
  const line = page.locator('.diagnostic p').filter({ hasText: 'xyz\u202Euvw' });
  await expect(line).toContainText('sent');
  expect(await misplacedAround(line, 'xyz\u202Euvw')).toEqual([]);
});

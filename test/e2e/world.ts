// The world of the end-to-end tests: a real Prosody, the user's account and a friend's, and a
// settings file (the documented JSON) in a fresh config folder, as a newcomer would write it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, type Page, type TestInfo } from '@playwright/test';
import type { HostProcess } from '../harness/host-process';
import type { Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';

export interface World {
  readonly server: ProsodyServer;
  readonly me: { jid: string; password: string };
  readonly friend: { jid: string; password: string };
  readonly friendName: string;
  readonly configDir: string;
  /** Words that must never appear in the window: addresses, server, protocol. */
  readonly secrets: string[];
  stop(): Promise<void>;
}

export async function makeWorld(): Promise<World> {
  const server = await startProsody();
  const me = server.createAccount('me');
  const friend = server.createAccount('pamela');
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-config-'));
  const friendName = 'Pamela White';
  fs.writeFileSync(
    path.join(configDir, 'settings.json'),
    JSON.stringify(
      {
        accounts: { xmpp: { jid: me.jid, password: me.password, service: server.service, caFile: server.caFile } },
        contacts: [
          { id: 'pamela', name: friendName, addresses: { xmpp: friend.jid } },
          { id: 'frank', name: 'Frank White', addresses: {} },
        ],
      },
      null,
      2,
    ),
  );
  return {
    server,
    me,
    friend,
    friendName,
    configDir,
    secrets: [friend.jid, friend.jid.split('@')[0]!, me.jid, server.domain, 'xmpp', 'jabber', '127.0.0.1'],
    stop: () => server.stop(),
  };
}

/** Collects the page's uncaught errors and console errors (CSP violations among them), from now on. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  return errors;
}

/** Everything a user can see or a screen reader can read: text and attribute values. */
async function visibleWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const attributes = [...document.body.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.value));
    return `${document.title}\n${document.body.innerText}\n${attributes.join('\n')}`.toLowerCase();
  });
}

export async function expectNoLeaks(page: Page, world: Pick<World, 'secrets'>): Promise<void> {
  const words = await visibleWords(page);
  for (const secret of world.secrets) expect(words, `the window shows "${secret}"`).not.toContain(secret.toLowerCase());
}

/** After each test: the host's log kept beside the screenshot when the test failed, then everything it started stopped. */
export async function stopAfterTest(testInfo: TestInfo, host: HostProcess | undefined, peers: Peer[], server: ProsodyServer | undefined): Promise<void> {
  if (host && testInfo.status !== testInfo.expectedStatus) fs.writeFileSync(testInfo.outputPath('host.log'), host.output());
  await host?.kill('SIGTERM');
  await Promise.all(peers.splice(0).map((p) => p.offline()));
  await server?.stop();
}

// The example delivery manager, "last resort first", dropped into the plugin folder of a running core
// beside the webhook example mechanism: with two webhook accounts, it tries the configuration's last
// step first, and goes back to the one before when that refuses. Real plugins in their sandboxed
// processes, posting to a real HTTP server.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startWebhookServer, type WebhookServer } from '../harness/webhook-server';

let hooks: WebhookServer;
let h: CoreHarness | undefined;

beforeAll(async () => {
  hooks = await startWebhookServer();
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(() => hooks?.stop());

const finished = (core: CoreHarness, id: string) => core.event('messages:changed', (m: MessageView) => m.id === id && m.state !== 'sending' && m.state !== 'waiting', 30_000);

describe('the "last resort first" example delivery manager', () => {
  it('tries the last step first, and the one before when it refuses', async () => {
    h = startCore({
      accounts: {
        first: { plugin: 'webhook', url: `${hooks.base}/first` },
        second: { plugin: 'webhook', url: `${hooks.base}/second` },
        third: { plugin: 'webhook', url: `${hooks.base}/third/status/403` },
      },
      contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { first: 'jane-1', second: 'jane-2', third: 'jane-3' } }],
      delivery: { managers: { 'last-resort-first': { configurations: { Normal: ['first', 'second', 'third'] } } } },
    });
    const core = h;
    fs.cpSync(path.resolve('examples/plugins/webhook'), path.join(core.dir, 'mechanisms', 'webhook'), { recursive: true });
    fs.cpSync(path.resolve('examples/plugins/last-resort-first'), path.join(core.dir, 'delivery-managers', 'last-resort-first'), { recursive: true });
    await core.event('delivery:managersChanged', (list) => list.some((m) => m.id === 'last-resort-first' && m.name === 'Last resort first'));
    await core.event('mechanisms:changed', (list) => ['first', 'second', 'third'].every((id) => list.some((m) => m.id === id && m.state === 'active')));

    const sent = await core.call('messages:send', { contactId: 'jane', body: 'Last resort first', priority: 'normal', manager: 'last-resort-first' });
    const ended = await finished(core, sent.id);
    expect(ended).toMatchObject({ state: 'sent', manager: 'last-resort-first' });
    // The third (last) was tried first and refused; the second took it; the first was never tried.
    expect(hooks.posts.filter((p) => p.json.body === 'Last resort first').map((p) => p.url)).toEqual(['/third/status/403', '/second']);
    const attempts = (await core.call('diagnostics:list', {})).find((d) => d.message.id === sent.id)!.attempts;
    expect(attempts.filter((a) => a.outcome !== 'skipped').map((a) => a.mechanism)).toEqual(['third', 'second']);
  });
});

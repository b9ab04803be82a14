// Delivery settings, the route preview and accounts turned off and on, through the real core over a
// real Prosody with real people at the other end: a configuration saved from the form changes the
// preview and the attempts of the next message at once; an account turned off is stopped, the preview
// says it is not connected, and a message goes the other way; turned on or reconnected, it is back.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolate } from '../../shared/bidi';
import type { MessageView } from '../../shared/domain';
import type { AccountView, RoutePreview } from '../../shared/views';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';

let server: ProsodyServer;
const cores: CoreHarness[] = [];
const peers: Peer[] = [];
beforeAll(async () => {
  server = await startProsody({ domain: 'routes.switchboard.test' });
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.offline()));
  await Promise.all(cores.splice(0).map((c) => c.stop()));
});
afterAll(async () => server?.stop());

const mine = (prefix: string) => {
  const a = server.createAccount(prefix);
  return { plugin: 'xmpp', jid: a.jid, password: a.password, service: server.service, caFile: server.caFile };
};
async function frankOn(prefix: string): Promise<{ jid: string; peer: Peer }> {
  const a = server.createAccount(prefix);
  const peer = await startPeer({ service: server.service, domain: server.domain, ...a });
  peers.push(peer);
  return { jid: a.jid, peer };
}
const FRANK = isolate('Frank Ocean');
const finished = (h: CoreHarness, id: string) => h.event('messages:changed', (m: MessageView) => m.id === id && m.state !== 'sending' && m.state !== 'waiting');
const attemptsOf = async (h: CoreHarness, id: string) =>
  (await h.call('diagnostics:list', { limit: 50 })).find((e) => e.message.id === id)!.attempts.map((a) => `${a.mechanism}:${a.outcome}`);
const verdicts = (p: RoutePreview) => p.steps.map((s) => `${s.mechanism}:${s.verdict}`);
const stateOf = (list: readonly AccountView[], id: string) => list.find((a) => a.id === id)?.state;
/** The first accounts:changed told after `mark` (an index into h.seen) in which the account is in that state. */
const accountBecomes = (h: CoreHarness, mark: number, id: string, state: AccountView['state']) =>
  h.event('accounts:changed', (list) => h.seen.slice(mark).some((e) => e.payload === list) && stateOf(list, id) === state);

async function world() {
  const onIm1 = await frankOn('frank1');
  const onIm2 = await frankOn('frank2');
  const h = startCore({
    accounts: { im1: mine('me1'), im2: mine('me2'), pager: mine('mypager') },
    contacts: [{ id: 'frank', name: 'Frank Ocean', addresses: { im1: onIm1.jid, im2: onIm2.jid } }],
    delivery: { managers: { sequential: { configurations: { Normal: ['im1', 'im2'] } } } },
  });
  cores.push(h);
  await h.event('accounts:changed', (list) => ['im1', 'im2', 'pager'].every((id) => stateOf(list, id) === 'active'));
  return { h, im1: onIm1.peer, im2: onIm2.peer };
}

describe('delivery settings and the route preview', () => {
  it('a configuration saved from the form changes the preview and the next message’s attempts at once', async () => {
    const { h, im1, im2 } = await world();
    const before = await h.call('delivery:preview', { contactId: 'frank' });
    expect(before).toMatchObject({ manager: 'sequential', configuration: 'Normal' });
    expect(before.chosenBecause).toMatch(/^The default: no rule applies/);
    expect(verdicts(before)).toEqual(['im1:included', 'im2:included']);
    const first = await h.call('messages:send', { contactId: 'frank', body: 'by the first way' });
    await im1.receive((b) => b === 'by the first way');
    expect((await finished(h, first.id)).state).toBe('sent');
    expect(await attemptsOf(h, first.id)).toEqual(['im1:accepted']);

    const form = await h.call('delivery:settings', {});
    expect(form.managers.sequential?.configurations.Normal).toEqual([
      { mechanism: 'im1', parallelWithNext: false, verify: 'accepted', ask: false },
      { mechanism: 'im2', parallelWithNext: false, verify: 'accepted', ask: false },
    ]);
    expect(form.mechanisms).toEqual([
      { id: 'im1', kindName: 'Jabber / XMPP' },
      { id: 'im2', kindName: 'Jabber / XMPP' },
      { id: 'pager', kindName: 'Jabber / XMPP' },
    ]);
    expect(form.installed.map((m) => m.id)).toEqual(expect.arrayContaining(['sequential', 'broadcast', 'escalating']));

    // A step naming no account is refused, and nothing changes.
    await expect(
      h.call('delivery:saveSettings', { managers: { sequential: { configurations: { Normal: ['im2', 'fax'] } } } }),
    ).rejects.toThrow(/not saved: The configuration “Normal” of .* names the account “fax”, which is not in Settings/);
    expect(verdicts(await h.call('delivery:preview', { contactId: 'frank' }))).toEqual(['im1:included', 'im2:included']);

    const saved = await h.call('delivery:saveSettings', {
      managers: { sequential: { configurations: { Normal: ['im2', 'pager', 'im1'] } }, broadcast: { configurations: { All: ['im1', 'im2'] } } },
      rules: [{ priority: 'urgent', manager: 'broadcast', configuration: 'All' }],
      waitNoticeMinutes: 5,
    });
    expect(saved.rules).toEqual([{ priority: 'urgent', manager: 'broadcast', configuration: 'All' }]);
    expect(JSON.parse(fs.readFileSync(path.join(h.dir, 'settings.json'), 'utf8')).delivery.waitNoticeMinutes).toBe(5);

    const after = await h.call('delivery:preview', { contactId: 'frank' });
    expect(verdicts(after)).toEqual(['im2:included', 'pager:no-address', 'im1:included']);
    expect(after.steps[1]?.why).toBe(`${FRANK} has no address there.`);
    const second = await h.call('messages:send', { contactId: 'frank', body: 'by the second way' });
    await im2.receive((b) => b === 'by the second way');
    expect((await finished(h, second.id)).state).toBe('sent');
    expect(await attemptsOf(h, second.id)).toEqual(['im2:accepted']);

    const urgent = await h.call('delivery:preview', { contactId: 'frank', priority: 'urgent' });
    expect(urgent).toMatchObject({ manager: 'broadcast', configuration: 'All' });
    expect(urgent.chosenBecause).toMatch(/^The rule for urgent messages chose .*The rule names its configuration “All”/);
    const chosen = await h.call('delivery:preview', { contactId: 'frank', manager: 'broadcast' });
    // Broadcast has no configuration for a normal message: every account, in the order they are set up.
    expect(chosen.chosenBecause).toMatch(/^You chose .*every account is tried in the order they are set up/);
    expect(verdicts(chosen)).toEqual(['im1:included', 'im2:included', 'pager:no-address']);
    const sentUrgent = await h.call('messages:send', { contactId: 'frank', body: 'everywhere', priority: 'urgent' });
    await Promise.all([im1.receive((b) => b === 'everywhere'), im2.receive((b) => b === 'everywhere')]);
    expect((await finished(h, sentUrgent.id)).state).toBe('sent');
    // Both ways at once; the first accepted ends the delivery (the other may be cut short as interrupted).
    expect((await attemptsOf(h, sentUrgent.id)).map((a) => a.split(':')[0]).sort()).toEqual(['im1', 'im2']);
  });

  it('an account turned off is stopped, the preview says so and a message goes the other way; turned on or reconnected, it is back', async () => {
    const { h, im1, im2 } = await world();
    const off = await h.call('accounts:setEnabled', { id: 'im1', enabled: false });
    expect(off.find((a) => a.id === 'im1')).toMatchObject({ enabled: false, state: 'inactive', reason: 'Turned off in Settings.' });
    expect((await h.call('mechanisms:list', {})).map((m) => m.id)).toEqual(['im2', 'pager']);
    expect(JSON.parse(fs.readFileSync(path.join(h.dir, 'settings.json'), 'utf8')).accounts.im1).toMatchObject({ plugin: 'xmpp', enabled: false });
    await h.event('accounts:changed', (list) => list.find((a) => a.id === 'im1')?.enabled === false);

    const preview = await h.call('delivery:preview', { contactId: 'frank' });
    expect(verdicts(preview)).toEqual(['im1:not-connected', 'im2:included']);
    expect(preview.steps[0]?.why).toBe('Not connected now: Turned off in Settings.');
    const sent = await h.call('messages:send', { contactId: 'frank', body: 'while one is off' });
    await im2.receive((b) => b === 'while one is off');
    expect((await finished(h, sent.id)).state).toBe('sent');
    expect(await attemptsOf(h, sent.id)).toEqual(['im2:accepted']);
    await expect(h.call('accounts:reconnect', { id: 'im1' })).rejects.toThrow(/turned off; turn it on/);

    const on = h.seen.length;
    await h.call('accounts:setEnabled', { id: 'im1', enabled: true });
    await accountBecomes(h, on, 'im1', 'active');
    expect(verdicts(await h.call('delivery:preview', { contactId: 'frank' }))).toEqual(['im1:included', 'im2:included']);

    // "Try now": stopped and connected again at once.
    const again = h.seen.length;
    const reconnecting = await h.call('accounts:reconnect', { id: 'im1' });
    expect(stateOf(reconnecting, 'im1')).toBe('connecting');
    await accountBecomes(h, again, 'im1', 'active');
    const back = await h.call('messages:send', { contactId: 'frank', body: 'back again' });
    await im1.receive((b) => b === 'back again');
    expect(await attemptsOf(h, (await finished(h, back.id)).id)).toEqual(['im1:accepted']);
  });

  it('refuses rules naming a manager neither installed nor configured, or a configuration it lacks, and a configuration without steps', async () => {
    const { h } = await world();
    await expect(h.call('delivery:saveSettings', { rules: [{ manager: 'pigeon' }] })).rejects.toThrow(/Rule 1 names the delivery manager “pigeon”, which is neither installed nor configured/);
    await expect(h.call('delivery:saveSettings', { rules: [{ manager: 'sequential', configuration: 'Weekend' }] })).rejects.toThrow(/Rule 1 names the configuration “Weekend”/);
    await expect(h.call('delivery:saveSettings', { managers: { sequential: { configurations: { Normal: [] } } } })).rejects.toThrow(/has no step/);
    expect((await h.call('delivery:settings', {})).managers.sequential?.configurations.Normal?.map((s) => s.mechanism)).toEqual(['im1', 'im2']);
  });
});

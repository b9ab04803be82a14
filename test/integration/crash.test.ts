// Nothing lost, nothing twice: a real Switchboard process is SIGKILLed in the middle of routing a
// message, started again on the same folder, and must finish the delivery without sending it twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostProcess, connectIpc, type HostProcess } from '../harness/host-process';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';

describe('a process killed in the middle of routing', () => {
  let server: ProsodyServer;
  const hosts: HostProcess[] = [];
  const peers: Peer[] = [];
  beforeAll(async () => {
    if (!fs.existsSync('dist/host/main.js')) throw new Error('dist/host/main.js is missing: run npm run build first (npm test does)');
    server = await startProsody({ domain: 'crash.switchboard.test' });
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.kill('SIGKILL')));
    await Promise.all(peers.map((p) => p.offline()));
    await server?.stop();
  });

  /** Our IM and pager accounts, John on both with real clients, and an escalating configuration. */
  async function johnSmithWorld(receiptWithinSeconds: number) {
    const me = server.createAccount('me');
    const mePager = server.createAccount('mypager');
    const john = server.createAccount('john');
    const johnPager = server.createAccount('johnpager');
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-crash-'));
    const account = (a: { jid: string; password: string }) => ({ plugin: 'xmpp', jid: a.jid, password: a.password, service: server.service, caFile: server.caFile });
    fs.writeFileSync(
      path.join(configDir, 'settings.json'),
      JSON.stringify({
        accounts: { im: account(me), pager: account(mePager) },
        contacts: [{ id: 'john', name: 'John Smith', addresses: { im: john.jid, pager: johnPager.jid } }],
        delivery: {
          managers: { escalating: { configurations: { Normal: [{ mechanism: 'im', verify: { receiptWithinSeconds } }, { mechanism: 'pager', ask: true }] } } },
          rules: [{ manager: 'escalating' }],
        },
      }),
    );
    const johnIm = await startPeer({ service: server.service, domain: server.domain, ...john });
    const johnPage = await startPeer({ service: server.service, domain: server.domain, ...johnPager });
    johnPage.receipts = true; // the pager reports delivery
    peers.push(johnIm, johnPage);
    return { me, configDir, johnIm, johnPage };
  }

  it('resumes after SIGKILL: the accepted step is not sent again, the receipt completes it, the history is whole', async () => {
    const { me, configDir, johnIm, johnPage } = await johnSmithWorld(120);

    const first = await startHostProcess(configDir);
    hosts.push(first);
    const ipc = await connectIpc(first);
    const sent = await ipc.call('messages:send', { contactId: 'john', body: 'Survive this' });
    // The server has acknowledged the IM step and John's client has it; the manager now waits for his receipt.
    await ipc.event('diagnostics:attempt', (a) => a.messageId === sent.id && a.mechanism === 'im' && a.outcome === 'accepted');
    await johnIm.receive((b) => b === 'Survive this');
    await first.kill('SIGKILL');
    ipc.close();

    const second = await startHostProcess(configDir);
    hosts.push(second);
    const again = await connectIpc(second);
    expect((await again.call('messages:list', { contactId: 'john' })).map((m) => [m.id, m.body, m.state])).toEqual([[sent.id, 'Survive this', 'sending']]);
    // Once the resumed delivery is connected again, John's device confirms the copy it already has.
    // (Events are seen from the moment we connected; the list covers what happened before.)
    const imActive = (list: { id: string; state: string }[]) => list.some((m) => m.id === 'im' && m.state === 'active');
    if (!imActive(await again.call('mechanisms:list', {}))) await again.event('mechanisms:changed', imActive);
    await johnIm.confirm(me.jid, johnIm.received.find((m) => m.body === 'Survive this')!.id!);
    await again.event('messages:changed', (m) => m.id === sent.id && m.state === 'delivered');

    expect(johnIm.received.filter((m) => m.originId === sent.id)).toHaveLength(1);
    expect(johnPage.received).toEqual([]);
    const [entry] = (await again.call('diagnostics:list', { limit: 10 })).filter((e) => e.message.id === sent.id);
    expect(entry!.message).toMatchObject({ body: 'Survive this', state: 'delivered', manager: 'escalating', configuration: 'Normal' });
    expect(entry!.attempts.map((a) => [a.mechanism, a.outcome])).toEqual([['im', 'delivered']]);
    again.close();
  });

  it('resumes after SIGKILL while the sender is being asked: the question comes back, and a yes pages once', async () => {
    const { configDir, johnIm, johnPage } = await johnSmithWorld(1);

    const first = await startHostProcess(configDir);
    hosts.push(first);
    const ipc = await connectIpc(first);
    const sent = await ipc.call('messages:send', { contactId: 'john', body: 'Are you coming?' });
    await ipc.event('delivery:prompted', (p) => p.messageId === sent.id);
    await first.kill('SIGKILL'); // while the question is on the sender's screen
    ipc.close();

    const second = await startHostProcess(configDir);
    hosts.push(second);
    const again = await connectIpc(second);
    const asked = (await again.call('delivery:prompts', {})).find((p) => p.messageId === sent.id) ?? (await again.event('delivery:prompted', (p) => p.messageId === sent.id));
    expect(asked.question).toContain('John Smith');
    await again.call('delivery:answer', { promptId: asked.id, send: true });
    await johnPage.receive((b) => b === 'Are you coming?');
    await again.event('messages:changed', (m) => m.id === sent.id && m.state === 'delivered');
    expect(johnIm.received.filter((m) => m.originId === sent.id)).toHaveLength(1); // accepted before the kill: not sent again
    expect(johnPage.received.filter((m) => m.originId === sent.id)).toHaveLength(1);
    again.close();
  });
});

// Quitting with messages in flight: stopping ends every wait at once, records what was under way as
// interrupted (never failed, never expired), shows no message "Not delivered", and the next start on
// the same folder finishes each message with exactly one copy at the other side.
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { connectIpc, startHostProcess, type HostProcess, type IpcClient } from '../harness/host-process';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';

let server: ProsodyServer;
const hosts: HostProcess[] = [];
const cores: CoreHarness[] = [];
const peers: Peer[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  if (!fs.existsSync('dist/host/main.js')) throw new Error('dist/host/main.js is missing: run npm run build first (npm test does)');
  server = await startProsody({ domain: 'shutdown.switchboard.test' });
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.kill('SIGKILL')));
  await Promise.all(cores.splice(0).map((c) => c.stop().catch(() => undefined)));
  await Promise.all(peers.splice(0).map((p) => p.offline()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await server?.stop();
});

const account = (a: { jid: string; password: string }, service = server.service) => ({ plugin: 'xmpp', jid: a.jid, password: a.password, service, caFile: server.caFile });
async function peer(a: { jid: string; password: string }): Promise<Peer> {
  const p = await startPeer({ service: server.service, domain: server.domain, ...a });
  peers.push(p);
  return p;
}
async function proxy(): Promise<TcpProxy> {
  const p = await startTcpProxy(server.port);
  proxies.push(p);
  return p;
}
/** Resolves when the process has exited; fails the test when it has not within `ms`. */
async function exitsWithin(host: HostProcess, ms: number): Promise<void> {
  await Promise.race([
    host.exited(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the host did not exit within ${ms} ms of SIGTERM:\n${host.output()}`)), ms).unref()),
  ]);
}
const active = (id: string) => (list: readonly { id: string; state: string }[]) => list.some((m) => m.id === id && m.state === 'active');
async function untilActive(ipc: IpcClient, id: string): Promise<void> {
  if (!active(id)(await ipc.call('mechanisms:list', {}))) await ipc.event('mechanisms:changed', active(id));
}

describe('quitting with messages in flight', () => {
  it('SIGTERM: exits at once, records interrupted attempts and no failure, and the next start finishes each message once', async () => {
    // John Smith's world: IM with a receipt expected, then the pager after asking. Pat is reached over
    // an account whose server does not answer yet (a network that holds every byte): it stays connecting.
    const me = server.createAccount('me');
    const mePager = server.createAccount('mypager');
    const meSlow = server.createAccount('myslow');
    const john = server.createAccount('john');
    const johnPager = server.createAccount('johnpager');
    const pat = server.createAccount('pat');
    const slow = await proxy();
    slow.hold();
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-shutdown-'));
    fs.writeFileSync(
      path.join(configDir, 'settings.json'),
      JSON.stringify({
        accounts: { im: account(me), pager: account(mePager), slow: account(meSlow, `xmpp://127.0.0.1:${slow.port}`) },
        contacts: [
          { id: 'john', name: 'John Smith', addresses: { im: john.jid, pager: johnPager.jid } },
          { id: 'pat', name: 'Pat Jones', addresses: { slow: pat.jid } },
        ],
        delivery: {
          managers: {
            escalating: { configurations: { Normal: [{ mechanism: 'im', verify: { receiptWithinSeconds: 120 } }, { mechanism: 'slow' }, { mechanism: 'pager', ask: true }] } },
          },
          rules: [{ manager: 'escalating' }],
        },
      }),
    );
    const johnIm = await peer(john); // his client sends no receipt by itself: the delivery waits for one
    const johnPage = await peer(johnPager);
    const patIm = await peer(pat);
    patIm.receipts = true;

    const first = await startHostProcess(configDir);
    hosts.push(first);
    const ipc = await connectIpc(first);
    const toJohn = await ipc.call('messages:send', { contactId: 'john', body: 'Waiting for your receipt' });
    await ipc.event('diagnostics:attempt', (a) => a.messageId === toJohn.id && a.mechanism === 'im' && a.outcome === 'accepted');
    await johnIm.receive((b) => b === 'Waiting for your receipt');
    // Pat's delivery waits for the mechanisms that carry Pat to finish connecting, which they cannot.
    expect((await ipc.call('mechanisms:list', {})).find((m) => m.id === 'slow')?.state).toBe('connecting');
    const toPat = await ipc.call('messages:send', { contactId: 'pat', body: 'Waiting for a connection' });

    first.process.kill('SIGTERM');
    // The goal is under 2 s; 10 s is generous, and shorter than the 15 s a delivery may wait for its
    // mechanisms to connect, which stopping used to sit out.
    await exitsWithin(first, 10_000);
    expect(first.process.exitCode).toBe(0);
    ipc.close();

    // Started again on the same folder, with Pat's network still holding: what the first process left.
    const second = await startHostProcess(configDir);
    hosts.push(second);
    const again = await connectIpc(second);
    for (const [contactId, sent] of [['john', toJohn], ['pat', toPat]] as const) {
      expect((await again.call('messages:list', { contactId })).map((m) => [m.id, m.state, m.failure])).toEqual([[sent.id, 'sending', undefined]]);
    }
    const attemptsOf = async (id: string) =>
      (await again.call('diagnostics:list', { limit: 10 })).find((e) => e.message.id === id)!.attempts.map((a) => [a.mechanism, a.outcome, a.detail]);
    // John's acceptance stands (so the next start does not send again); the wait for his receipt was cut.
    expect(await attemptsOf(toJohn.id)).toEqual([
      ['im', 'accepted', undefined],
      ['im', 'interrupted', 'accepted; Switchboard stopped while waiting for the delivery receipt'],
    ]);
    expect(await attemptsOf(toPat.id)).toEqual([]); // nothing was tried, so nothing failed or expired

    // The resumed deliveries finish: John's device confirms the copy it already has; Pat's network is back.
    slow.release();
    await untilActive(again, 'im');
    await johnIm.confirm(me.jid, johnIm.received.find((m) => m.body === 'Waiting for your receipt')!.id!);
    await again.event('messages:changed', (m) => m.id === toJohn.id && m.state === 'delivered');
    await again.event('messages:changed', (m) => m.id === toPat.id && m.state === 'delivered');
    expect(johnIm.received.filter((m) => m.originId === toJohn.id)).toHaveLength(1);
    expect(johnPage.received).toEqual([]);
    expect(patIm.received.filter((m) => m.originId === toPat.id)).toHaveLength(1);
    again.close();
  });

  it('core.stop() while the server has not confirmed a send: the attempt is interrupted, and the next start sends it once', async () => {
    const me = server.createAccount('me');
    const pat = server.createAccount('pat');
    const net = await proxy();
    const patIm = await peer(pat);
    const settings = {
      accounts: { im: account(me, `xmpp://127.0.0.1:${net.port}`) },
      contacts: [{ id: 'pat', name: 'Pat Jones', addresses: { im: pat.jid } }],
      delivery: { managers: { sequential: { configurations: { Normal: [{ mechanism: 'im' }] } } }, rules: [{ manager: 'sequential' }] },
    };
    const first = startCore(settings);
    cores.push(first);
    if (!active('im')(await first.call('mechanisms:list', {}))) await first.event('mechanisms:changed', active('im'));

    // One message through first: the server's acknowledgement of it covers everything sent before.
    const before = await first.call('messages:send', { contactId: 'pat', body: 'Before the hold' });
    await first.event('messages:changed', (m) => m.id === before.id && m.state === 'sent');
    // The network holds the next message: the server cannot have confirmed it.
    net.hold();
    const sent = await first.call('messages:send', { contactId: 'pat', body: 'Held in the network' });
    await first.event('diagnostics:attempt', (a) => a.messageId === sent.id && a.outcome === 'pending');
    await once(net, 'held');
    await first.stop();
    cores.splice(cores.indexOf(first), 1);
    // What was held never reaches the server: the process that wrote it is gone.
    net.cut();
    net.release();

    expect(first.seen.filter((e) => e.name === 'delivery:failed')).toEqual([]);
    expect(first.notified).toEqual([]);
    const attempts = first.seen.filter((e) => e.name === 'diagnostics:attempt').map((e) => e.payload as { messageId: string; outcome: string; detail?: string });
    expect(attempts.filter((a) => a.messageId === sent.id).map((a) => [a.outcome, a.detail])).toEqual([
      ['pending', undefined],
      ['interrupted', 'Switchboard stopped before the server confirmed the message'],
    ]);

    const second = startCore(settings, { dir: first.dir });
    cores.push(second);
    expect((await second.call('messages:list', { contactId: 'pat' })).map((m) => [m.id, m.state])).toEqual([
      [before.id, 'sent'],
      [sent.id, 'sending'],
    ]);
    await second.event('messages:changed', (m) => m.id === sent.id && m.state !== 'sending' && m.state !== 'waiting');
    expect((await second.call('messages:list', { contactId: 'pat' }))[1]).toMatchObject({ id: sent.id, state: 'sent' });
    await patIm.receive((b) => b === 'Held in the network');
    expect(patIm.received.filter((m) => m.originId === sent.id)).toHaveLength(1);
    const [entry] = (await second.call('diagnostics:list', { limit: 10 })).filter((e) => e.message.id === sent.id);
    expect(entry!.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'accepted']);
  });
});

// The send path as a user meets it, against the protocol's own speed: through Switchboard (the page's
// WebSocket → core → SQLite outbox → XMPP mechanism) and through a raw @xmpp/client on the same
// Prosody, to the same peer, interleaved in the same run. Latency is from the send to the peer's
// client receiving it; a burst is 500 sends at once until the last arrives. Figures only: no limits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { client, xml } from '@xmpp/client';
import { startHostProcess } from '../../test/harness/host-process';
import { startProsody } from '../../test/harness/prosody';
import { ArrivalLog } from '../drill/arrivals';
import { connectDrillIpc } from '../drill/ipc';
import { startXmppDrillPeer } from '../drill/xmpp-peer';
import { OPEN_TIMEOUT_MS } from '../../test/harness/peer';

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function benchSendPath(rounds = 1000, burst = 500): Promise<void> {
  // Nagle off on the server: with it on, each client's delayed TCP ACKs hold Prosody's next write to
  // the peer some 40 ms, and which of the two senders pays depends only on the interleaving.
  const server = await startProsody({ domain: 'bench.switchboard.test', noNagle: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-send-'));
  const cleanups: (() => Promise<unknown>)[] = [() => server.stop()];
  try {
    const me = server.createAccount('me');
    const rawAccount = server.createAccount('raw');
    const peerAccount = server.createAccount('peer');
    const arrivals = new ArrivalLog();
    const peer = await startXmppDrillPeer({ service: server.service, domain: server.domain, ...peerAccount }, arrivals);
    cleanups.push(() => peer.stop());
    let seen = 0;
    const arrived = new Set<string>();
    /** Resolves once every body in `bodies` has reached the peer. */
    const reached = async (bodies: readonly string[]) => {
      const all = () => {
        for (; seen < arrivals.items.length; seen++) arrived.add(arrivals.items[seen]!.body);
        return bodies.every((b) => arrived.has(b));
      };
      await arrivals.until(all, AbortSignal.timeout(60_000));
      if (!all()) throw new Error('a benchmark message never reached the peer');
    };

    const configDir = path.join(dir, 'config');
    fs.mkdirSync(configDir, { mode: 0o700 });
    const settings = {
      accounts: { im: { plugin: 'xmpp', jid: me.jid, password: me.password, service: server.service, caFile: server.caFile } },
      contacts: [{ id: 'peer', name: 'Peer', addresses: { im: peerAccount.jid } }],
    };
    fs.writeFileSync(path.join(configDir, 'settings.json'), JSON.stringify(settings), { mode: 0o600 });
    // A user's delivery manager doing what the built-in sequential one does, run in its sandbox.
    const pluginDir = path.join(configDir, 'delivery-managers', 'first-way');
    fs.mkdirSync(pluginDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(pluginDir, 'manifest.json'), JSON.stringify({ name: 'first-way', kind: 'delivery-manager', displayName: 'First way', entry: 'index.mjs', apiVersion: 1 }));
    fs.writeFileSync(
      path.join(pluginDir, 'index.mjs'),
      `export default () => ({ create: () => ({ async deliver(job) {
         for (const step of job.policy()) if ((await job.attempt(step)).ok) return { outcome: 'delivered', mechanism: step.mechanism };
         return { outcome: 'failed', tried: job.policy().length };
       } }) });`,
    );
    const host = await startHostProcess(configDir);
    cleanups.push(() => host.kill('SIGTERM'));
    const ipc = await connectDrillIpc(host);
    cleanups.push(async () => ipc.close());
    const active = async () => (await ipc.call('mechanisms:list', {})).some((m) => m.id === 'im' && m.state === 'active');
    const deadline = Date.now() + 30_000;
    while (!(await active())) {
      if (Date.now() > deadline) throw new Error('the XMPP account did not become active');
      await new Promise<void>((resolve) => ipc.on('mechanisms:changed', () => resolve()));
    }

    const [username] = rawAccount.jid.split('@');
    const raw = client({ service: server.service, domain: server.domain, username, password: rawAccount.password, resource: 'bench', timeout: OPEN_TIMEOUT_MS });
    raw.on('error', () => undefined);
    await raw.start();
    cleanups.push(() => raw.stop());
    // As Switchboard's own connection does (plugins/xmpp/connection.ts): no Nagle on a chat socket.
    const socket = raw.socket as { setNoDelay?(on: boolean): void; socket?: { setNoDelay?(on: boolean): void } } | null;
    socket?.socket?.setNoDelay?.(true);
    socket?.setNoDelay?.(true);
    // The same work as Switchboard's message: a stable id and a receipt request (the peer answers it, as a phone does).
    let rawId = 0;
    const rawSend = (body: string) => {
      const id = `raw-${++rawId}`;
      return raw.send(
        xml('message', { type: 'chat', to: peerAccount.jid, id }, xml('body', {}, body), xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id }), xml('request', { xmlns: 'urn:xmpp:receipts' })),
      );
    };

    // Warm-up, then interleaved rounds: one through Switchboard, one raw, each waited for at the peer.
    for (let i = 0; i < 20; i++) {
      await ipc.call('messages:send', { contactId: 'peer', body: `warm ${i}` });
      await rawSend(`warm raw ${i}`);
    }
    await reached(['warm 19', 'warm raw 19']);
    const through: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let start = performance.now();
      await ipc.call('messages:send', { contactId: 'peer', body: `sb ${i}` });
      await reached([`sb ${i}`]);
      through.push(performance.now() - start);
      start = performance.now();
      await rawSend(`raw ${i}`);
      await reached([`raw ${i}`]);
      direct.push(performance.now() - start);
    }
    through.sort((a, b) => a - b);
    direct.sort((a, b) => a - b);

    const bodies = (tag: string) => Array.from({ length: burst }, (_, i) => `${tag} ${i}`);
    let start = performance.now();
    await Promise.all(bodies('burst sb').map((body) => ipc.call('messages:send', { contactId: 'peer', body })));
    await reached(bodies('burst sb'));
    const burstThrough = (burst / (performance.now() - start)) * 1000;
    start = performance.now();
    await Promise.all(bodies('burst raw').map(rawSend));
    await reached(bodies('burst raw'));
    const burstDirect = (burst / (performance.now() - start)) * 1000;

    // The same burst through the sandboxed plugin, then again through the built-in manager in-process.
    while (!(await ipc.call('delivery:managers', {})).some((m) => m.id === 'first-way')) {
      if (Date.now() > deadline + 30_000) throw new Error('the sandboxed delivery manager did not load');
      await new Promise<void>((resolve) => ipc.on('delivery:managersChanged', () => resolve()));
    }
    start = performance.now();
    await Promise.all(bodies('burst sandboxed').map((body) => ipc.call('messages:send', { contactId: 'peer', body, manager: 'first-way' })));
    await reached(bodies('burst sandboxed'));
    const burstSandboxed = (burst / (performance.now() - start)) * 1000;
    start = performance.now();
    await Promise.all(bodies('burst in-process').map((body) => ipc.call('messages:send', { contactId: 'peer', body, manager: 'sequential' })));
    await reached(bodies('burst in-process'));
    const burstInProcess = (burst / (performance.now() - start)) * 1000;

    const ms = (v: number) => `${v.toFixed(2)} ms`;
    console.log(`\nSend path on a real Prosody (Nagle off), ${rounds} interleaved rounds to a real peer (send until the peer's client has it):`);
    console.log(`  through Switchboard   p50 ${ms(quantile(through, 0.5))}   p95 ${ms(quantile(through, 0.95))}`);
    console.log(`  raw @xmpp/client      p50 ${ms(quantile(direct, 0.5))}   p95 ${ms(quantile(direct, 0.95))}`);
    console.log(`  → p50 ${(quantile(through, 0.5) / quantile(direct, 0.5)).toFixed(1)}× raw, p95 ${(quantile(through, 0.95) / quantile(direct, 0.95)).toFixed(1)}× raw`);
    console.log(`Burst of ${burst} until the last arrives: through Switchboard ${burstThrough.toFixed(0)}/s, raw ${burstDirect.toFixed(0)}/s → ${(burstThrough / burstDirect).toFixed(2)}× raw`);
    console.log(
      `Burst of ${burst} through a sandboxed delivery-manager plugin ${burstSandboxed.toFixed(0)}/s, through the built-in one in-process ${burstInProcess.toFixed(0)}/s → ${(burstSandboxed / burstInProcess).toFixed(2)}× in-process`,
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

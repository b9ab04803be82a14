// The world of the fuzz tests: a real Switchboard host process in a fresh folder, with an SMS account
// (so its delivery-report listener runs inside the host too) whose gateway is a small stand-in on
// loopback that accepts every page and tells the test the delivery-report address it was given.
// After each surface, checkWhole() asserts what a user would lose if the garbage had hurt the host.
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { connectIpc, startHostProcess, type HostProcess, type IpcClient } from './host-process';
import { freePort } from './ports';

export interface FuzzWorld {
  readonly host: HostProcess;
  readonly port: number;
  readonly origin: string;
  /** The host's per-launch WebSocket token. */
  readonly token: string;
  readonly ipc: IpcClient;
  /** The SMS mechanism's delivery-report listener. */
  readonly smsPort: number;
  /** Its per-run path prefix (/dlr/<token>), learned from the page the host sent through the gateway. */
  readonly reportPath: string;
  /** The id of that page, and the report that marks it delivered. */
  readonly pageId: string;
  readonly pageReport: string;
  /** Runs `task`, remembering `label` while it is under way so that a crash can name what was being sent. */
  attempt<T>(label: string, task: () => Promise<T>): Promise<T>;
  /** Asserts the host is alive, serves its page, answers a request, and its files are whole. */
  checkWhole(after: string): Promise<void>;
  stop(): Promise<void>;
}

export async function makeFuzzWorld(): Promise<FuzzWorld> {
  if (!fs.existsSync('dist/host/main.js')) throw new Error('dist/host/main.js is missing: run npm run build first (npm test does)');
  const gatewayRequests: URL[] = [];
  const arrivals = new EventEmitter();
  const gateway = http.createServer((req, res) => {
    gatewayRequests.push(new URL(req.url ?? '/', 'http://gateway'));
    arrivals.emit('request');
    res.writeHead(202, { 'Content-Type': 'text/plain' }).end('0: Accepted for delivery');
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const gatewayPort = (gateway.address() as { port: number }).port;
  const smsPort = await freePort();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-fuzz-'));
  const settingsFile = path.join(dir, 'settings.json');
  fs.writeFileSync(
    settingsFile,
    JSON.stringify({
      accounts: {
        pager: { plugin: 'sms', sendsmsUrl: `http://127.0.0.1:${gatewayPort}/cgi-bin/sendsms`, username: 'switchboard', password: 'fuzz', callbackPort: smsPort },
      },
      contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { pager: '+15550100' } }],
    }),
  );

  const host = await startHostProcess(dir);
  const inFlight = new Set<string>();
  let atExit: string[] | undefined;
  host.process.once('exit', () => (atExit = [...inFlight]));
  const port = Number(new URL(host.url).port);
  const token = new URLSearchParams(new URL(host.url).hash.slice(1)).get('token')!;
  const ipc = await connectIpc(host);

  // One page through the gateway: its dlr-url carries the listener's per-run token.
  const pagerActive = (list: readonly { id: string; state: string }[]) => list.some((m) => m.id === 'pager' && m.state === 'active');
  if (!pagerActive(await ipc.call('mechanisms:list', {}))) await ipc.event('mechanisms:changed', pagerActive);
  const page = await ipc.call('messages:send', { contactId: 'jane', body: 'fuzz' });
  const withReport = () => gatewayRequests.find((u) => u.searchParams.has('dlr-url'));
  while (!withReport()) await once(arrivals, 'request', { signal: AbortSignal.timeout(15_000) });
  const report = new URL(withReport()!.searchParams.get('dlr-url')!.replace('%d', '1'));
  const reportPath = report.pathname.split('/').slice(0, 3).join('/');
  const settingsBytes = fs.readFileSync(settingsFile);

  const alive = () => host.process.exitCode === null && host.process.signalCode === null;
  const integrity = () => {
    const db = new Database(path.join(dir, 'switchboard.sqlite3'), { readonly: true, fileMustExist: true });
    try {
      return db.pragma('integrity_check', { simple: true });
    } finally {
      db.close();
    }
  };

  return {
    host,
    port,
    origin: host.origin,
    token,
    ipc,
    smsPort,
    reportPath,
    pageId: page.id,
    pageReport: `${report.pathname}${report.search}`,
    async attempt(label, task) {
      inFlight.add(label);
      try {
        return await task();
      } finally {
        inFlight.delete(label);
      }
    },
    async checkWhole(after) {
      const tail = () => host.output().slice(-3000);
      expect(alive(), `the host exited after ${after}, while sending:\n${(atExit ?? []).join('\n')}\n--- its output ---\n${tail()}`).toBe(true);
      const res = await fetch(`${host.origin}/`);
      expect(res.status, `GET / after ${after}`).toBe(200);
      await res.arrayBuffer();
      expect((await ipc.call('app:state', {})).problems, `app:state after ${after}`).toBeDefined();
      expect(fs.readFileSync(settingsFile).equals(settingsBytes), `settings.json changed after ${after}`).toBe(true);
      expect(integrity(), `SQLite integrity after ${after}`).toBe('ok');
    },
    async stop() {
      ipc.close();
      await host.kill('SIGTERM');
      gateway.closeAllConnections();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      if (fs.existsSync(path.join(dir, 'switchboard.sqlite3'))) expect(integrity(), 'SQLite integrity after the host stopped').toBe('ok');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A presence storm as a power user with a big roster meets it: ten thousand people (an XMPP
// component on Prosody plays them all) come online at once, while the browser host's page is open in
// Debian's Chromium. Measured: time from the first presence stanza until the page has every glyph
// right and has painted, bytes pushed to the page, the longest main-thread task, the page's JS heap
// and the core's memory. The raw figure is a stock @xmpp/client receiving the same storm in the same
// run. Figures only: nothing here passes or fails on time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { client, xml } from '@xmpp/client';
import { chromium } from '@playwright/test';
import type { PresenceChange } from '../../shared/domain';
import { readFrame } from '../../shared/wire';
import { connectComponent } from '../../test/harness/component';
import { startHostProcess } from '../../test/harness/host-process';
import { startProsody } from '../../test/harness/prosody';
import { writeRoster } from '../../test/harness/roster';
import { connectDrillIpc } from '../drill/ipc';
import { OPEN_TIMEOUT_MS } from '../../test/harness/peer';

const rssMb = (pid: number | undefined): number => {
  const status = pid ? fs.readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

export interface StormFigures {
  readonly people: number;
  readonly paintedMs: number;
  readonly rawMs: number;
  readonly bytesToPage: number;
  readonly eventsToPage: number;
  readonly longestTaskMs: number;
  readonly longTasksOver100: number;
  readonly pageHeapMb: number;
  /** The core's resident memory with every contact loaded, before the storm and after it. */
  readonly coreRssBeforeMb: number;
  readonly coreRssAfterMb: number;
}

export async function benchPresenceStorm(people = 10_000): Promise<StormFigures> {
  const componentDomain = 'people.storm.switchboard.test';
  const secret = 'storm-secret';
  const server = await startProsody({ domain: 'storm.switchboard.test', noNagle: true, component: { domain: componentDomain, secret } });
  const cleanups: (() => Promise<unknown>)[] = [() => server.stop()];
  try {
    const me = server.createAccount('me');
    const rawAccount = server.createAccount('raw');
    const jids = Array.from({ length: people }, (_, i) => `p${i + 1}@${componentDomain}`);
    // Years of use: everyone on both rosters, subscribed both ways, written before first sign-in.
    writeRoster(server, me.jid, jids.map((jid, i) => ({ jid, name: `Person ${i + 1}` })), 'both');
    const component = await connectComponent(server.componentPort!, componentDomain, secret);
    cleanups.push(() => component.close());
    const storm = (to: string, show?: string) =>
      component.send(jids.map((from) => `<presence from='${from}/phone' to='${to}'>${show ? `<show>${show}</show>` : ''}</presence>`).join(''));

    // The raw figure: a stock client receives the storm; time until the last presence arrived.
    const [rawUser] = rawAccount.jid.split('@');
    const raw = client({ service: server.service, domain: server.domain, username: rawUser, password: rawAccount.password, resource: 'bench', timeout: OPEN_TIMEOUT_MS });
    raw.on('error', () => undefined);
    await raw.start();
    cleanups.push(() => raw.stop().catch(() => undefined));
    await raw.send(xml('presence'));
    let rawSeen = 0;
    const rawDone = new Promise<void>((resolve) =>
      raw.on('stanza', (s: { is(n: string): boolean; attrs: { from?: string } }) => {
        if (s.is('presence') && s.attrs.from?.endsWith(`@${componentDomain}/phone`) && ++rawSeen === people) resolve();
      }),
    );
    const rawStart = performance.now();
    await storm(rawAccount.jid);
    await rawDone;
    const rawMs = performance.now() - rawStart;

    // Switchboard: the same people as contacts, the page open on the contact list, nobody online yet.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-storm-'));
    const configDir = path.join(dir, 'config');
    fs.mkdirSync(configDir, { mode: 0o700 });
    const settings = {
      accounts: { im: { plugin: 'xmpp', jid: me.jid, password: me.password, service: server.service, caFile: server.caFile } },
      contacts: jids.map((jid, i) => ({ id: `p${i + 1}`, name: `Person ${String(i + 1).padStart(5, '0')}`, addresses: { im: jid } })),
    };
    fs.writeFileSync(path.join(configDir, 'settings.json'), JSON.stringify(settings), { mode: 0o600 });
    const host = await startHostProcess(configDir);
    cleanups.push(() => host.kill('SIGTERM'));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--enable-precise-memory-info'] });
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __longest: number; __over100: number };
      w.__longest = 0;
      w.__over100 = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          w.__longest = Math.max(w.__longest, e.duration);
          if (e.duration > 100) w.__over100++;
        }
      }).observe({ type: 'longtask', buffered: true });
    });
    // What reaches the page, read from the browser's own network log: nothing added to the page's work.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    let counting = false;
    let bytes = 0;
    let events = 0;
    const glyphs = new Map<string, string>();
    let available = 0;
    let allAvailable: () => void = () => undefined;
    cdp.on('Network.webSocketFrameReceived', ({ response }: { response: { payloadData: string } }) => {
      if (!counting) return;
      bytes += Buffer.byteLength(response.payloadData);
      
      const frame = readFrame(response.payloadData);
      if (!frame || !('events' in frame)) return;
      for (const { event, payload } of frame.events) {
        events++;
        if (event !== 'contacts:presence') continue;
        for (const change of payload as PresenceChange[]) {
        const before = glyphs.get(change.id);
        glyphs.set(change.id, change.glyph);
        if (before !== 'available' && change.glyph === 'available') available++;
        if (before === 'available' && change.glyph !== 'available') available--;
        }
      }
      if (available === people) allAvailable();
    });
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Person 00001' }).waitFor();
    // Signed in (the account is active, its roster read) before the storm, as a user sitting at the list is.
    const ipc = await connectDrillIpc(host);
    cleanups.push(async () => ipc.close());
    const deadline = Date.now() + 60_000;
    while (!(await ipc.call('mechanisms:list', {})).some((m) => m.id === 'im' && m.state === 'active')) {
      if (Date.now() > deadline) throw new Error('the XMPP account did not become active');
      await new Promise<void>((resolve) => ipc.on('mechanisms:changed', () => resolve()));
    }
    // The server has probed every contact (what a sign-in makes it do), and the core answers at once:
    // the storm meets a user sitting at the list after start-up, not start-up itself.
    await component.probes(people);
    await ipc.call('app:state', {});
    const coreRssBeforeMb = rssMb(host.process.pid);
    await page.evaluate(() => {
      const w = window as unknown as { __longest: number; __over100: number };
      w.__longest = 0;
      w.__over100 = 0;
    });

    counting = true;
    const done = new Promise<void>((resolve) => (allAvailable = resolve));
    const start = performance.now();
    await storm(me.jid);
    await done;
    // The last change has reached the page; it is painted once the page has run its handler and a frame.
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    const paintedMs = performance.now() - start;
    counting = false;

    // The rows on screen say so too (the list is virtual: only these are in the page).
    const shown = await page.locator('.contact [data-glyph]').evaluateAll((els) => els.map((e) => e.getAttribute('data-glyph')));
    if (!shown.length || shown.some((g) => g !== 'available')) throw new Error(`after the storm the rows on screen show ${JSON.stringify(shown.slice(0, 5))}`);
    const longest = await page.evaluate(() => (window as unknown as { __longest: number; __over100: number }).__longest);
    const over100 = await page.evaluate(() => (window as unknown as { __over100: number }).__over100);
    // A zero could mean the browser reports no long tasks at all: a task of 150 ms, made on purpose, must be seen.
    const calibrated = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const observer = new PerformanceObserver((list) => {
            if (list.getEntries().some((e) => e.duration >= 140)) finish(true);
          });
          const timer = setTimeout(() => finish(false), 5_000);
          function finish(seen: boolean) {
            observer.disconnect();
            clearTimeout(timer);
            resolve(seen);
          }
          observer.observe({ type: 'longtask' });
          setTimeout(() => {
            const until = performance.now() + 150;
            while (performance.now() < until);
          });
        }),
    );
    if (!calibrated) throw new Error('Chromium reported no long task for a 150 ms task made on purpose: the long-task figure would mean nothing');
    await cdp.send('Performance.enable');
    const metrics = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    return {
      people,
      paintedMs,
      rawMs,
      bytesToPage: bytes,
      eventsToPage: events,
      longestTaskMs: longest,
      longTasksOver100: over100,
      pageHeapMb: heap / 1024 / 1024,
      coreRssBeforeMb,
      coreRssAfterMb: rssMb(host.process.pid),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

// `npm run bench`: figures for the hot paths of the core, printed with ratios. Benchmarks measure;
// tests never assert on time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultSteps } from '../../core/delivery/choose';
import { computePolicy } from '../../core/delivery/policy';
import { dispatch } from '../../core/ipc/dispatch';
import type { Handlers } from '../../core/ipc/handlers';
import { MessageStore } from '../../core/messages/store';
import { aggregatePresence } from '../../core/presence/aggregate';
import { openDatabase } from '../../core/storage/database';
import { benchPresenceStorm, type StormFigures } from './presence-storm';
import { benchSendPath } from './send-path';
import type { MessageView, PresenceShow } from '../../shared/domain';

function measure(name: string, iterations: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(1000, iterations); i++) fn(i); // warm up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  const ms = performance.now() - start;
  const perSecond = (iterations / ms) * 1000;
  console.log(`${name.padEnd(52)} ${perSecond.toFixed(0).padStart(12)} /s   ${((ms * 1000) / iterations).toFixed(2).padStart(9)} µs each`);
  return perSecond;
}

async function measureAsync(name: string, iterations: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await fn(i);
  const ms = performance.now() - start;
  const perSecond = (iterations / ms) * 1000;
  console.log(`${name.padEnd(52)} ${perSecond.toFixed(0).padStart(12)} /s   ${((ms * 1000) / iterations).toFixed(2).padStart(9)} µs each`);
  return perSecond;
}

console.log(`Switchboard core benchmarks — Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}\n`);

const mechanisms = ['im1', 'im2', 'irc', 'email', 'sms', 'pager', 'xmpp2', 'work'];
const steps = defaultSteps(mechanisms);
measure('delivery policy (8 steps, 4 addresses, 5 active)', 200_000, (i) => computePolicy(['im1', 'email', 'pager', mechanisms[i % 8]!], ['im1', 'im2', 'email', 'sms', 'work'], steps));
const shows: PresenceShow[] = ['offline', 'away', 'busy', 'xa', 'available'];
measure('presence aggregation (4 mechanisms)', 500_000, (i) => aggregatePresence([shows[i % 5]!, shows[(i + 1) % 5]!, 'offline', 'away']));

const sent: MessageView = { id: 'm', contactId: 'jane', direction: 'out', body: 'hello', state: 'sending', at: 1, priority: 'normal' };
const handlers = { 'messages:send': () => sent } as unknown as Handlers;
const raw = await measureAsync('messages:send handler, called directly', 100_000, async () => (handlers['messages:send'] as () => unknown)());
const validated = await measureAsync('messages:send through dispatch (validated)', 100_000, () =>
  dispatch(handlers, 'messages:send', { contactId: 'jane', body: 'Lunch at noon?', priority: 'urgent' }),
);
await measureAsync('malformed payload rejected by dispatch', 100_000, () => dispatch(handlers, 'messages:send', { contactId: 42, body: null }));
console.log(`  → validation costs ${(raw / validated).toFixed(1)}× a bare call\n`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
const store = new MessageStore(openDatabase(dir));
let next = 0; // warm-up runs count too: every message gets its own id
const stored = measure('message stored in the outbox (SQLite, WAL, FULL sync)', 3_000, () => store.add({ ...sent, id: `m${next}`, at: next++ }));
// Each with its own commit (store.flush): what one message alone in its turn costs.
measure('attempt recorded and ended, each committed', 3_000, (i) => {
  store.endAttempt(store.beginAttempt({ messageId: `m${i}`, manager: 'sequential', configuration: 'Normal', mechanism: 'im1' }), 'accepted');
  store.flush();
});
const listed = measure('conversation of 3,000 messages listed', 50, () => store.list('jane'));
console.log(`  → a user can send ${Math.floor(stored)} messages a second before the disk is the limit; listing a long conversation takes ${(1000 / listed).toFixed(1)} ms`);

// A burst (500 sends in one turn) written as the delivery service writes it: the messages and their
// first attempts in the turn's one commit.
let burst = 0;
const grouped = measure('burst of 500 sends + first attempts, one commit', 20, () => {
  const messages = Array.from({ length: 500 }, () => ({ ...sent, id: `b${burst}`, contactId: 'burst', at: burst++ }));
  store.addMany(messages);
  for (const m of messages) store.beginAttempt({ messageId: m.id, manager: 'sequential', configuration: 'Normal', mechanism: 'im1' });
  store.flush();
});
console.log(`  → ${Math.floor(grouped * 500)} messages a second in bursts, ${((grouped * 500) / stored).toFixed(1)}× one commit each`);

// A 100,000-message conversation, as a long-time user has: opening it reads the newest page; scrolling
// up reads the page before. Against listing the whole conversation, which is what opening it cost before.
const long = new MessageStore(openDatabase(path.join(dir, 'long')));
const longDb = openDatabase(path.join(dir, 'long'));
const longStore = new MessageStore(longDb);
longDb.transaction(() => {
  for (let i = 0; i < 100_000; i++) longStore.add({ ...sent, id: `h${String(i).padStart(6, '0')}`, contactId: 'sam', state: 'read', at: 1_700_000_000_000 + i * 1000 });
})();
const opened = measure('100,000-message conversation: newest page of 100', 500, () => long.page('sam', 100));
const middle = longStore.page('sam', 1, { at: 1_700_000_000_000 + 50_000 * 1000, id: 'h050000' })[0]!;
const olderPage = measure('100,000-message conversation: the page before one', 500, () => long.page('sam', 100, { at: middle.at, id: middle.id }));
const whole = measure('100,000-message conversation: all of it (as before)', 3, () => long.list('sam'));
console.log(
  `  → opening it takes ${(1000 / opened).toFixed(2)} ms, an older page ${(1000 / olderPage).toFixed(2)} ms; reading all of it took ${(1000 / whole).toFixed(0)} ms, ${(opened / whole).toFixed(0)}× as long`,
);
longDb.close();
fs.rmSync(dir, { recursive: true, force: true });

// The send path against a raw client needs a real Prosody (and the built host): where either is
// missing, it says so instead of measuring.
if (!fs.existsSync('/usr/bin/prosody')) console.log('\nSend path against a raw @xmpp/client: skipped, Prosody is not installed (apt-get install prosody).');
else if (!fs.existsSync('dist/host/main.js')) console.log('\nSend path against a raw @xmpp/client: skipped, the host is not built (npm run build).');
else await benchSendPath();

// The presence storm needs Prosody, the built host and Debian's Chromium.
if (!fs.existsSync('/usr/bin/prosody') || !fs.existsSync('dist/host/main.js') || !fs.existsSync('/usr/bin/chromium')) {
  console.log('\nPresence storm: skipped, it needs Prosody, Chromium (/usr/bin/chromium) and the built host.');
} else {
  try {
    printStorm(await benchPresenceStorm(Number(process.env.BENCH_STORM_PEOPLE ?? 10_000)));
  } catch (error) {
    console.log(`\nPresence storm: could not run (${error instanceof Error ? error.message || error.name : String(error)}).`);
    process.exitCode = 1;
  }
}

function printStorm(s: StormFigures): void {
  console.log(`\nPresence storm: ${s.people.toLocaleString('en')} people come online at once (an XMPP component plays them), the page open in Chromium`);
  console.log(`${'every glyph right in the page, painted'.padEnd(52)} ${s.paintedMs.toFixed(0).padStart(9)} ms`);
  console.log(`${'the same storm received by a raw @xmpp/client'.padEnd(52)} ${s.rawMs.toFixed(0).padStart(9)} ms   → ${(s.paintedMs / s.rawMs).toFixed(2)}× raw`);
  console.log(`${'sent to the page'.padEnd(52)} ${(s.bytesToPage / 1024).toFixed(0).padStart(9)} KB in ${s.eventsToPage} events`);
  console.log(`${'longest main-thread task during the storm'.padEnd(52)} ${s.longestTaskMs.toFixed(0).padStart(9)} ms   (${s.longTasksOver100} over 100 ms)`);
  console.log(`${"the page's JS heap afterwards".padEnd(52)} ${s.pageHeapMb.toFixed(1).padStart(9)} MB`);
  console.log(`${`core RSS with ${s.people.toLocaleString('en')} contacts, before / after the storm`.padEnd(52)} ${s.coreRssBeforeMb.toFixed(0).padStart(9)} MB / ${s.coreRssAfterMb.toFixed(0)} MB`);
}

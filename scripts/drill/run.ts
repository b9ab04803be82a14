// The chaos drill itself (issue 8, item 8): N messages through the browser host's WebSocket API to
// one contact, while a proxy cuts Switchboard's connection every 2–5 s, the host is SIGKILLed and
// restarted on the same folder K times, and the server is restarted R times. Then it waits until every
// message has settled, and counts what the other person really got against what Switchboard shows.
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { MessageView } from '../../shared/domain';
import { startHostProcess, type HostProcess } from '../../test/harness/host-process';
import { connectDrillIpc, HostGone, type DrillIpc } from './ipc';
import { between, distinct, seeded } from './random';
import { startWorld, type DrillMechanism } from './worlds';

export interface DrillOptions {
  readonly messages: number;
  readonly kills: number;
  readonly serverRestarts: number;
  readonly seed: number;
  readonly mechanism: DrillMechanism;
  /** Messages sent per second at most (the host may take them slower). */
  readonly rate: number;
  /** How long to wait for every message to settle once all are sent. */
  readonly settleSeconds: number;
  /** Progress lines (kills, restarts); silent when absent. */
  readonly progress?: (line: string) => void;
}

export const defaultOptions: DrillOptions = { messages: 1000, kills: 10, serverRestarts: 1, seed: 1, mechanism: 'xmpp', rate: 25, settleSeconds: 180 };

export interface DrillReport {
  readonly options: DrillOptions;
  readonly stableId: string | undefined;
  /** Messages the host took (answered, or found in its list afterwards). */
  readonly accepted: number;
  /** Sends the host never answered because it was killed meanwhile ... */
  readonly unanswered: number;
  /** Sends the host answered with an error. */
  readonly refused: number;
  /** ... of which the host had kept this many (they count as accepted). */
  readonly unansweredKept: number;
  readonly arrived: number;
  /** ... of which the person fetched this many from their own archive after a server restart (XMPP). */
  readonly fromArchive: number;
  readonly lost: number;
  readonly duplicates: number;
  /** ... of which Switchboard had marked the attempt "possibly duplicated" (a mechanism that cannot look first says so). */
  readonly markedDuplicates: number;
  /** Whether the mechanism can look an earlier copy up before sending again (then every duplicate is a fault). */
  readonly canLookUp: boolean;
  readonly failedButArrived: number;
  readonly sentButNotArrived: number;
  /** Still waiting or sending when the drill stopped waiting. */
  readonly unsettled: number;
  /** Arrived with a stable id other than the one Switchboard gave the message. */
  readonly wrongIds: number;
  /** Final states of the accepted messages. */
  readonly states: Readonly<Record<string, number>>;
  /** The sentences shown with "Not delivered", and how many messages showed each. */
  readonly failures: Readonly<Record<string, number>>;
  /** Milliseconds from the first send until every message had settled; undefined if they did not. */
  readonly settledAfterMs: number | undefined;
  readonly cuts: number;
  /** Milliseconds each quit mid-traffic (SIGTERM) took until the process was gone. */
  readonly quitTimes: readonly number[];
  readonly maxListenersWarnings: number;
  readonly hostLog: string;
  readonly serverLog: string;
  /** Up to a few message ids for each non-zero counter, to look up in the host log. */
  readonly examples: Readonly<Record<string, readonly string[]>>;
}

/** Quitting with messages in flight must take less than this (issue 8). */
const QUIT_LIMIT_MS = 2_000;
const settledStates = new Set(['sent', 'delivered', 'read', 'failed']);
const shownSent = new Set(['sent', 'delivered', 'read']);

export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  if (!fs.existsSync('dist/host/main.js')) throw new Error('dist/host/main.js is missing: run npm run build first (npm run drill does unless given --no-build).');
  const say = options.progress ?? (() => undefined);
  const random = seeded(options.seed);
  const tag = `Drill ${options.seed}.${Date.now().toString(36)}`;
  const bodyOf = (i: number) => `${tag} message ${i + 1} of ${options.messages}`;
  const indexOf = (body: string): number | undefined => {
    const found = new RegExp(`${tag.replace('.', '\\.')} message (\\d+) of`).exec(body);
    return found ? Number(found[1]) - 1 : undefined;
  };
  // Kills and restarts happen while sending, at message numbers drawn from the seed; a kill lands a
  // few milliseconds into that message's send, so some sends are cut off before their answer.
  const killAt = new Set(distinct(random, options.kills, 1, Math.max(1, options.messages - 1)));
  const restartAt = new Set(distinct(random, options.serverRestarts, 1, Math.max(1, options.messages - 1)));
  // The user quits and starts again a few times too (one per five kills, at least one), never where a kill is.
  const quitAt = new Set(distinct(random, Math.max(1, Math.round(options.kills / 5)) + options.kills, 1, Math.max(1, options.messages - 1)).filter((i) => !killAt.has(i)).slice(0, Math.max(1, Math.round(options.kills / 5))));
  // Cut intervals and kill delays are drawn as time goes; streams of their own keep each reproducible.
  const cutRandom = seeded(options.seed + 1);
  const killRandom = seeded(options.seed + 2);

  const world = await startWorld(options.mechanism);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-drill-'));
  const configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir, { mode: 0o700 });
  fs.writeFileSync(path.join(configDir, 'settings.json'), JSON.stringify(world.settings, null, 2), { mode: 0o600 });
  // npm run drill removes the servers' folders afterwards; it names a folder that stays for the logs.
  const logDir = process.env.SB_DRILL_LOGS ?? dir;
  fs.mkdirSync(logDir, { recursive: true });
  const stamp = `${options.mechanism}-seed${options.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const hostLog = path.join(logDir, `host-${stamp}.log`);
  const keepServerLog = () => {
    if (!fs.existsSync(world.serverLog)) return world.serverLog;
    const kept = path.join(logDir, `server-${stamp}.log`);
    fs.copyFileSync(world.serverLog, kept);
    return kept;
  };
  const views = new Map<string, MessageView>(); // latest state of each drill message, by id
  const answered = new Set<string>();
  let unansweredSends = 0;
  const refusals: string[] = []; // sends the host answered with an error
  let cuts = 0;
  let host: HostProcess | undefined;
  let ipc: DrillIpc | undefined;
  let hostNumber = 0;
  const changes = new EventEmitter();
  const seen = (m: MessageView) => {
    if (m.direction !== 'out' || indexOf(m.body) === undefined) return;
    views.set(m.id, m);
    changes.emit('changed');
  };

  const startHost = async () => {
    hostNumber++;
    // With --trace-warnings a MaxListenersExceededWarning in the host log says where the listeners pile up.
    const nodeOptions = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${nodeOptions ?? ''} --trace-warnings`.trim();
    const starting = startHostProcess(configDir); // spawns at once, with the environment as it is now
    if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = nodeOptions;
    host = await starting;
    const mine = await connectDrillIpc(host);
    ipc = mine;
    // A killed host's last events may still be read after the next one listed its messages: ignored.
    mine.on('messages:changed', (m) => ipc === mine && seen(m));
    for (const m of await ipc.call('messages:list', { contactId: 'peer', limit: 5000 })) seen(m);
  };
  const saveLog = () => {
    if (host) fs.appendFileSync(hostLog, `\n===== host process ${hostNumber} =====\n${host.output()}`);
  };
  const quitTimes: number[] = [];
  const killHost = async () => {
    await host!.kill('SIGKILL');
    ipc!.close();
    saveLog();
    say(`host process ${hostNumber} SIGKILLed; starting it again on the same folder`);
    await startHost();
  };
  // The user quits mid-traffic (SIGTERM: what closing the window does): how long until the process is gone.
  const quitHost = async () => {
    const began = Date.now();
    await host!.kill('SIGTERM');
    quitTimes.push(Date.now() - began);
    ipc!.close();
    saveLog();
    say(`host process ${hostNumber} quit mid-traffic in ${((Date.now() - began) / 1000).toFixed(2)} s; starting it again on the same folder`);
    await startHost();
  };

  // Cuts every 2–5 s, from the first message until the drill stops waiting.
  let cutting = true;
  let cutTimer: NodeJS.Timeout | undefined;
  const scheduleCut = () => {
    cutTimer = setTimeout(() => {
      if (!cutting) return;
      world.proxy.cut();
      cuts++;
      scheduleCut();
    }, between(cutRandom, 2000, 5000));
  };

  try {
    await startHost();
    const started = Date.now();
    scheduleCut();
    // Failures of what runs beside the sending (a restart, a kill) are kept and thrown once awaited,
    // not left as rejections nobody handles yet.
    const restarts: Promise<{ error?: unknown }>[] = [];
    const settle = (p: Promise<unknown>): Promise<{ error?: unknown }> => p.then(() => ({}), (error: unknown) => ({ error }));
    const rethrow = (r: { error?: unknown }) => {
      if ('error' in r) throw r.error;
    };
    const interval = 1000 / options.rate;
    for (let i = 0; i < options.messages; i++) {
      const began = Date.now();
      if (restartAt.has(i)) {
        say(`server restarted at message ${i + 1}`);
        restarts.push(settle(world.restartServer()));
      }
      const stopping = killAt.has(i) ? killHost : quitAt.has(i) ? quitHost : undefined;
      const killing = stopping ? settle(new Promise((r) => setTimeout(r, between(killRandom, 0, 15))).then(stopping)) : undefined;
      try {
        const view = await ipc!.call('messages:send', { contactId: 'peer', body: bodyOf(i) });
        answered.add(view.id);
        // As the page does: the answer is the message as it was kept; the events (which came first) say what became of it.
        if (!views.has(view.id)) seen(view);
      } catch (error) {
        if (error instanceof HostGone) unansweredSends++;
        else refusals.push((error as Error).message);
      }
      if (killing) rethrow(await killing);
      const rest = interval - (Date.now() - began);
      if (rest > 0) await new Promise((r) => setTimeout(r, rest)); // the sending rate, not a wait for an event
    }
    for (const restart of restarts) rethrow(await restart);
    say(`all ${options.messages} sent in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for every message to settle`);

    // Settled: every message the host has is sent, delivered, read or failed.
    const allSettled = () => [...views.values()].every((m) => settledStates.has(m.state));
    let settledAfterMs: number | undefined;
    const deadline = AbortSignal.timeout(options.settleSeconds * 1000);
    while (!allSettled() && !deadline.aborted) await once(changes, 'changed', { signal: deadline }).catch(() => undefined);
    if (allSettled()) settledAfterMs = Date.now() - started;
    cutting = false;
    clearTimeout(cutTimer);

    // The truth as the host tells it now, and what the person got: messages shown sent must arrive; give
    // the last ones (and what the server kept offline) a bounded time to do so.
    for (const m of await ipc!.call('messages:list', { contactId: 'peer', limit: 5000 })) seen(m);
    const arrivedIndexes = () => new Set(world.arrivals.items.map((a) => indexOf(a.body)).filter((i) => i !== undefined));
    const shownSentIndexes = () => [...views.values()].filter((m) => shownSent.has(m.state)).map((m) => indexOf(m.body)!);
    await world.arrivals.until(() => {
      const got = arrivedIndexes();
      return shownSentIndexes().every((i) => got.has(i));
    }, AbortSignal.timeout(15_000));
    for (const m of await ipc!.call('messages:list', { contactId: 'peer', limit: 5000 })) seen(m);

    // Counting, one message per drill index (its text is unique to the run).
    const byIndex = new Map<number, MessageView[]>();
    for (const m of views.values()) byIndex.set(indexOf(m.body)!, [...(byIndex.get(indexOf(m.body)!) ?? []), m]);
    const copies = new Map<number, number>();
    let wrongIds = 0;
    const examples: Record<string, string[]> = {};
    const note = (counter: string, id: string) => ((examples[counter] ??= []).length < 5 ? examples[counter].push(id) : undefined);
    for (const a of world.arrivals.items) {
      const i = indexOf(a.body);
      if (i === undefined) continue;
      copies.set(i, (copies.get(i) ?? 0) + 1);
      const own = byIndex.get(i);
      if (a.id !== undefined && a.id !== null && own && !own.some((m) => m.id === a.id)) {
        wrongIds++;
        note('wrong ids', a.id);
      }
    }
    let lost = 0;
    let failedButArrived = 0;
    let sentButNotArrived = 0;
    let unsettled = 0;
    let duplicates = 0;
    const states: Record<string, number> = {};
    const failures: Record<string, number> = {};
    for (const [i, list] of byIndex) {
      const m = list[0]!;
      if (list.length > 1) note('one text kept twice by the host', m.id);
      states[m.state] = (states[m.state] ?? 0) + 1;
      if (m.state === 'failed') failures[m.failure ?? '(no sentence)'] = (failures[m.failure ?? '(no sentence)'] ?? 0) + 1;
      const got = copies.get(i) ?? 0;
      if (got > 1) {
        duplicates += got - 1;
        note('duplicates', m.id);
      }
      if (!settledStates.has(m.state)) {
        unsettled++;
        note('unsettled', m.id);
      }
      if (got === 0 && m.state !== 'failed') {
        lost++;
        note('lost', m.id);
      }
      if (got > 0 && m.state === 'failed') {
        failedButArrived++;
        note('shown not delivered but arrived', m.id);
      }
      if (got === 0 && shownSent.has(m.state)) {
        sentButNotArrived++;
        note('shown sent but never arrived', m.id);
      }
    }
    // The attempts Switchboard marked "possibly duplicated", read from its own database (WAL: a reader beside the host is fine).
    const db = new Database(path.join(configDir, 'switchboard.sqlite3'), { readonly: true });
    const marked = new Set((db.prepare("SELECT DISTINCT message_id AS id FROM attempts WHERE detail LIKE '%possibly duplicated%'").all() as { id: string }[]).map((r) => r.id));
    db.close();
    let markedDuplicates = 0;
    for (const [i, list] of byIndex) if ((copies.get(i) ?? 0) > 1 && list.some((m) => marked.has(m.id))) markedDuplicates += (copies.get(i) ?? 0) - 1;
    saveLog();
    // The host's database is kept beside its log, to look a counted message up afterwards.
    // With its write-ahead log: what was committed since the last checkpoint is only there.
    for (const suffix of ['', '-wal', '-shm']) {
      const file = path.join(configDir, `switchboard.sqlite3${suffix}`);
      if (fs.existsSync(file)) fs.copyFileSync(file, hostLog.replace(/\.log$/, `.sqlite3${suffix}`));
    }
    const log = fs.readFileSync(hostLog, 'utf8');
    const vanished = [...answered].filter((id) => !views.has(id)).length; // answered, yet gone from the host's list
    return {
      options: { ...options, progress: undefined },
      stableId: world.stableId,
      accepted: byIndex.size + vanished,
      unanswered: unansweredSends,
      refused: refusals.length,
      examples: { ...examples, ...(refusals.length ? { 'refused by the host': [...new Set(refusals)].slice(0, 3) } : {}) },
      unansweredKept: [...byIndex.values()].filter((list) => !list.some((m) => answered.has(m.id))).length,
      arrived: copies.size,
      fromArchive: new Set(world.arrivals.items.filter((a) => a.fromArchive).map((a) => indexOf(a.body))).size,
      lost: lost + vanished,
      duplicates,
      markedDuplicates,
      canLookUp: world.canLookUp,
      failedButArrived,
      sentButNotArrived,
      unsettled,
      wrongIds,
      states,
      failures,
      settledAfterMs,
      cuts,
      quitTimes,
      maxListenersWarnings: (log.match(/MaxListenersExceededWarning/g) ?? []).length,
      hostLog,
      serverLog: keepServerLog(),
    };
  } finally {
    cutting = false;
    clearTimeout(cutTimer);
    await host?.kill('SIGKILL');
    ipc?.close();
    await world.stop();
  }
}

/** The drill's table, as printed and as the README shows it. */
export function formatReport(r: DrillReport): string {
  const o = r.options;
  const settled = r.settledAfterMs === undefined ? `not within ${o.settleSeconds} s (${r.unsettled} still waiting or sending)` : `${(r.settledAfterMs / 1000).toFixed(1)} s`;
  const rows: [string, string][] = [
    ['accepted by the host', String(r.accepted)],
    ['arrived at the peer (distinct messages)', String(r.arrived)],
    ['... of them fetched by the peer from its archive after the server restart', String(r.fromArchive)],
    ['lost (accepted, never arrived, not shown failed)', String(r.lost)],
    [`duplicates at the peer (${r.stableId ? `same ${r.stableId} or same text` : 'same text; IRC carries no id'})`, String(r.duplicates)],
    [`... of them marked "possibly duplicated"${r.canLookUp ? '' : ' (this mechanism cannot look first)'}`, String(r.markedDuplicates)],
    ['shown "Not delivered" but arrived', String(r.failedButArrived)],
    ['shown sent/delivered but never arrived', String(r.sentButNotArrived)],
    ['still waiting or sending at the end (counted lost if not arrived)', String(r.unsettled)],
    ['time until every message settled', settled],
    [`quitting mid-traffic (${r.quitTimes.length} time${r.quitTimes.length === 1 ? '' : 's'}), longest`, r.quitTimes.length ? `${(Math.max(...r.quitTimes) / 1000).toFixed(2)} s` : '—'],
    ['MaxListenersExceededWarning in the host log', r.maxListenersWarnings ? `yes (${r.maxListenersWarnings})` : 'no'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    `Chaos drill — ${o.mechanism}, ${o.messages} messages, ${o.kills} host SIGKILLs, ${o.serverRestarts} server restart(s), ${r.cuts} connection cuts, seed ${o.seed}`,
    '',
    '| what | count |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v} |`),
    '',
    `final states: ${Object.entries(r.states).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'}; sends cut off by a kill: ${r.unanswered} (the host kept ${r.unansweredKept}); sends refused by the host: ${r.refused}; arrived with another id: ${r.wrongIds}`,
    ...Object.entries(r.failures).map(([sentence, n]) => `  shown "Not delivered" (${n}): ${sentence}`),
    ...Object.entries(r.examples).map(([counter, ids]) => `  e.g. ${counter}: ${ids.join(', ')}`),
    `host log: ${r.hostLog}`,
    `server log: ${r.serverLog}`,
  ];
  return lines.join('\n');
}

/** The counters that must be zero for the drill to pass. */
export function faults(r: DrillReport): string[] {
  const found: string[] = [];
  if (r.lost) found.push(`${r.lost} lost`);
  // Where the mechanism can look an earlier copy up, any second copy is a fault; where it cannot, only
  // one Switchboard did not own up to (an attempt not marked "possibly duplicated").
  const faulty = r.canLookUp ? r.duplicates : r.duplicates - r.markedDuplicates;
  if (faulty) found.push(`${faulty} ${r.canLookUp ? '' : 'unmarked '}duplicates at the peer`);
  if (r.failedButArrived) found.push(`${r.failedButArrived} shown "Not delivered" but arrived`);
  if (r.sentButNotArrived) found.push(`${r.sentButNotArrived} shown sent but never arrived`);
  const slowQuit = r.quitTimes.filter((ms) => ms >= QUIT_LIMIT_MS).length;
  if (slowQuit) found.push(`${slowQuit} quit(s) took ${QUIT_LIMIT_MS / 1000} s or more`);
  if (r.maxListenersWarnings) found.push(`MaxListenersExceededWarning ${r.maxListenersWarnings} times in the host log`);
  return found;
}

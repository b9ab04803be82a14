// `npm run demo` and `npm start` as a person runs them, real processes throughout: Ctrl+C stops every
// process they started and leaves no temporary folder (the demo's CA key, the settings with their
// passwords); a server or the host that dies is named in one line and ends the run with a failure.
// SLOW: starts the demo's servers twice and the browser host four times, 15 to 30 s in all on two cores.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

interface Proc {
  readonly pid: number;
  readonly start: string;
  readonly command: string;
}

/** Reads /proc/<pid>/stat: state, parent, start time (which tells a reused pid from the original). */
function stat(pid: number): { state: string; ppid: number; start: string } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), start: fields[19]! };
  } catch {
    return undefined;
  }
}

/** Every process below `root`, found by walking parent links through /proc. */
function descendants(root: number): Proc[] {
  const byParent = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), Number(entry)]);
  }
  const found: Proc[] = [];
  const queue = [...(byParent.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const s = stat(pid);
    if (!s) continue;
    let command = '';
    try {
      command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue;
    }
    found.push({ pid, start: s.start, command });
    queue.push(...(byParent.get(pid) ?? []));
  }
  return found;
}

/** Still running: the same process (same start time) and not a zombie. */
function alive(p: Proc): boolean {
  const s = stat(p.pid);
  return s !== undefined && s.start === p.start && s.state !== 'Z' && s.state !== 'X';
}

interface Run {
  readonly child: ChildProcess;
  readonly tmp: string;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the run ends first. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves once the process has exited and its output is all read. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: { run: Run; seen: Proc[] }[] = [];
const folders: string[] = [];

/** Runs `node <script> --no-build` in its own process group, as a terminal does, with its own TMPDIR. */
function launch(script: string, env: Record<string, string> = {}): Run {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-demo-test-'));
  folders.push(tmp);
  const { SB_TEST_CA_DIR: _, ...inherited } = process.env;
  // No Electron binary in an empty folder: both scripts then run the browser host, as they do where
  // Electron is not installed, so the test is the same with or without it.
  const noElectron = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-no-electron-'));
  folders.push(noElectron);
  const child = spawn(process.execPath, [script, '--no-build'], {
    env: { ...inherited, TMPDIR: tmp, ELECTRON_OVERRIDE_DIST_PATH: noElectron, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const run: Run = {
    child,
    tmp,
    output: () => log,
    ended,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const found = pattern.exec(log)?.[0];
          if (found === undefined) return;
          child.stdout!.off('data', look);
          resolve(found);
        };
        child.stdout!.on('data', look);
        look();
        void ended.then(() => reject(new Error(`${script} ended before printing ${pattern}:\n${log}`)));
      }),
  };
  runs.push({ run, seen: [] });
  return run;
}

/** Notes every process below the run now, so the test can check afterwards that none outlived it. */
function snapshot(run: Run): Proc[] {
  const seen = descendants(run.child.pid!);
  runs.find((r) => r.run === run)!.seen.push(...seen);
  return seen;
}

beforeAll(() => {
  if (!fs.existsSync('dist/host/main.js')) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
});

afterEach(async () => {
  // A failed test must not leave servers running for the next ones.
  for (const { run, seen } of runs.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      try {
        process.kill(-run.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const p of seen.filter(alive)) process.kill(p.pid, 'SIGKILL');
    await run.ended;
  }
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('stops every process it started and removes its temporary folders on Ctrl+C', async () => {
    const demo = launch('scripts/demo.mjs');
    await demo.waitFor(/http:\/\/127\.0\.0\.1:\d+\/#token=\S+/);
    const started = snapshot(demo);
    expect(started.map((p) => p.command).join('\n')).toMatch(/prosody/); // the snapshot holds the servers
    expect(fs.readdirSync(demo.tmp)).not.toEqual([]); // the demo does write there while running

    process.kill(-demo.child.pid!, 'SIGINT'); // Ctrl+C: the terminal signals the foreground group
    const { code } = await demo.ended;

    expect(code).toBe(0);
    expect(started.filter(alive).map((p) => p.command)).toEqual([]);
    expect(fs.readdirSync(demo.tmp)).toEqual([]);
  });

  it('says which server died, stops everything else and fails, when one of its servers is killed', async () => {
    const demo = launch('scripts/demo.mjs');
    await demo.waitFor(/http:\/\/127\.0\.0\.1:\d+\/#token=\S+/);
    const started = snapshot(demo);
    const prosody = started.find((p) => p.command.includes('/usr/bin/prosody '));
    expect(prosody, started.map((p) => p.command).join('\n')).toBeDefined();

    process.kill(prosody!.pid, 'SIGKILL');
    const { code } = await demo.ended;

    expect(demo.output()).toMatch(/^Prosody stopped unexpectedly \(killed by SIGKILL\), so the demo stops\.$/m);
    expect(code).not.toBe(0);
    expect(started.filter(alive).map((p) => p.command)).toEqual([]);
    expect(fs.readdirSync(demo.tmp)).toEqual([]);
  });
});

describe('npm start (with the browser host)', () => {
  const configDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-start-config-'));
    folders.push(dir);
    return dir;
  };

  it('passes Ctrl+C on to the host, waits for it to stop, and exits with its code', async () => {
    const start = launch('scripts/start.mjs', { SWITCHBOARD_CONFIG_DIR: configDir() });
    await start.waitFor(/http:\/\/127\.0\.0\.1:\d+\/#token=\S+/);
    const started = snapshot(start);
    expect(started.map((p) => p.command)).toContain(`${process.execPath} dist/host/main.js`);

    process.kill(-start.child.pid!, 'SIGINT');
    const { code } = await start.ended;

    expect(code).toBe(0);
    expect(started.filter(alive).map((p) => p.command)).toEqual([]);
  });

  it('says so and fails when the host dies', async () => {
    const start = launch('scripts/start.mjs', { SWITCHBOARD_CONFIG_DIR: configDir() });
    await start.waitFor(/http:\/\/127\.0\.0\.1:\d+\/#token=\S+/);
    const host = snapshot(start).find((p) => p.command.endsWith('dist/host/main.js'));
    expect(host).toBeDefined();

    process.kill(host!.pid, 'SIGKILL');
    const { code } = await start.ended;

    expect(start.output()).toMatch(/^The Switchboard browser host stopped unexpectedly \(killed by SIGKILL\)\.$/m);
    expect(code).not.toBe(0);
  });
});

// Supervising the one child process of `npm start` and `npm run demo` (the app, or the demo's world):
// it runs in its own process group, so Ctrl+C reaches only us and we decide how everything stops, and
// whatever it leaves in that group (servers, Electron's helpers) is swept when it exits.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Starts `command` as the leader of a new process group, sharing our terminal output. */
export function startChild(command, args, options = {}) {
  return spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options, detached: true });
}

/** Calls `stop` once, on the first Ctrl+C, SIGTERM or SIGHUP; later ones change nothing. */
export function onStopSignal(stop) {
  let called = false;
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (called) return;
      called = true;
      stop(signal);
    });
  }
}

export function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

/** "exit code 3" or "killed by SIGKILL", for the sentence that says how a process ended. */
export function howItEnded(code, signal) {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/**
 * Asks the child to stop with `signal`; if it has not exited after `graceMs`, kills its whole group.
 * Resolves once the child has exited (its group is swept separately, by sweepGroup).
 */
export async function stopChild(child, signal = 'SIGTERM', graceMs = 10_000) {
  if (!isRunning(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Kills what is left of the group the child led (processes it started and did not stop) and resolves
 * when none of them runs any more, or after `ms`.
 */
export async function sweepGroup(pgid, ms = 5_000) {
  killGroup(pgid, 'SIGKILL');
  const deadline = Date.now() + ms;
  // A process group has no event for "empty"; look again every 20 ms until it is.
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing is left in the group.
  }
}

/** Whether a process of the group still runs; a zombie (dead, waiting to be reaped) does not count. */
function groupAlive(pgid) {
  if (!fs.existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone while we looked
    }
    // After the command name in parentheses: state, parent, process group.
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(group) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

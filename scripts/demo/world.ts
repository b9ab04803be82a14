// `npm run demo`: the original design's worked example, live. Starts the four systems on loopback,
// the five people (who answer when written to on IM), then Switchboard with them as contacts.
// Every process it starts is watched: one that dies stops the whole demo, with a line saying which.
// Run by scripts/demo.mjs, which removes the demo's temporary folders once this has exited.
import { spawn, type ChildProcess } from 'node:child_process';
import { electronBinary } from '../electron-binary.mjs';
import { howItEnded, isRunning } from '../children.mjs';
import { startExampleWorld } from '../../test/harness/example-world';
import { startHostProcess } from '../../test/harness/host-process';
import { named, spawned } from '../../test/harness/spawned';

const children = new Set<ChildProcess>();
let stopping = false;
/** For a process whose exit can be normal: the line to print then, or undefined when it is a failure. */
const normalExit = new Map<ChildProcess, (code: number | null) => string | undefined>();
const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function watch(name: string, child: ChildProcess): void {
  children.add(child);
  if (stopping) child.kill('SIGTERM'); // started while the demo was already stopping
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const normal = normalExit.get(child)?.(code);
    if (normal) void stop(0, normal);
    else void stop(1, `${capitalised(name)} stopped unexpectedly (${howItEnded(code, signal)}), so the demo stops.`);
  });
}
spawned.on('child', watch);

/** Stops every process the demo started (SIGTERM, SIGKILL after 5 s), waits for them, exits. */
async function stop(code: number, line?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (line) process.stderr.write(`\n${line}\n`);
  const running = [...children].filter(isRunning);
  const exited = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGTERM');
  const timer = setTimeout(() => running.filter(isRunning).forEach((child) => child.kill('SIGKILL')), 5_000);
  await Promise.all(exited);
  clearTimeout(timer);
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
process.on('uncaughtException', (error) => void stop(1, `The demo stopped on an error: ${error.message}`));
process.on('unhandledRejection', (reason) => void stop(1, `The demo stopped on an error: ${reason instanceof Error ? reason.message : String(reason)}`));

// Whatever fails while starting (a server that will not come up, the host exiting) stops it all; if
// a watched process died first, its line has been printed and this adds nothing.
main().catch((error: unknown) => void stop(1, `The demo could not start: ${error instanceof Error ? error.message : String(error)}`));

async function main(): Promise<void> {
  const world = await startExampleWorld({ replies: true });
  process.stdout.write(`
The worked example is running on this machine:
  IM system 1 (XMPP, Prosody)   ${world.servers.im1.service}
  IM system 2 (IRC, ngIRCd)     ${world.servers.im2.host}:${world.servers.im2.port}
  E-mail (SMTP, aiosmtpd)       ${world.servers.mail.host}:${world.servers.mail.port}
  Mailbox (IMAP, Dovecot)       ${world.servers.imap.host}:${world.servers.imap.port}
  Pager (SMS, Kannel)           ${world.servers.pager.sendsmsUrl}

  Jerry Jones   on both IM systems, available          (green square)
  Jane Doe      away on IM system 2; pager; e-mail       (red circle)
  Frank White   pager only, no presence; answers by SMS  (no glyph)
  John Smith    IM system 2, e-mail, pager
  Pamela White  IM system 1, e-mail
Settings: ${world.configDir}/settings.json (removed when the demo stops)
`);

  const electron = electronBinary();
  const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env; // Switchboard trusts the servers through its settings
  if (electron.ok) {
    const app = spawn(electron.path, ['.'], { stdio: 'inherit', env: { ...env, SWITCHBOARD_CONFIG_DIR: world.configDir } });
    // Closing Switchboard's window ends the demo as a person expects, without calling it a failure.
    normalExit.set(app, (code) => (code === 0 ? 'Switchboard was closed, so the demo stops.' : undefined));
    named('Switchboard (Electron)', app);
  } else {
    process.stdout.write(`\n${electron.reason}\nUsing the browser host instead.\n`);
    const host = await startHostProcess(world.configDir);
    process.stdout.write(`\nOpen Switchboard in your browser:\n${host.url}\n\nPress Ctrl+C to stop everything.\n`);
  }
}

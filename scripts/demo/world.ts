// `npm run demo`: the original design's worked example, live. Starts the four systems on loopback,
// the five people (who answer when written to on IM), then Switchboard with them as contacts.
import { spawn } from 'node:child_process';
import { electronBinary } from '../electron-binary.mjs';
import { startExampleWorld } from '../../test/harness/example-world';
import { startHostProcess } from '../../test/harness/host-process';

const world = await startExampleWorld({ replies: true });
process.stdout.write(`
The worked example is running on this machine:
  IM system 1 (XMPP, Prosody)   ${world.servers.im1.service}
  IM system 2 (IRC, ngIRCd)     ${world.servers.im2.host}:${world.servers.im2.port}
  E-mail (SMTP, aiosmtpd)       ${world.servers.mail.host}:${world.servers.mail.port}
  Pager (SMS, Kannel)           ${world.servers.pager.sendsmsUrl}

  Jerry Jones   on both IM systems, available          (green square)
  Jane Doe      away on IM system 2; pager               (red circle)
  Frank White   pager only, no presence                  (no glyph)
  John Smith    IM system 2, e-mail, pager
  Pamela White  IM system 1, e-mail
Settings: ${world.configDir}/settings.json
`);

const electron = electronBinary();
const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env; // Switchboard trusts the servers through its settings
let stopApp: () => Promise<void>;
if (electron.ok) {
  const app = spawn(electron.path, ['.'], { stdio: 'inherit', env: { ...env, SWITCHBOARD_CONFIG_DIR: world.configDir } });
  stopApp = async () => void app.kill('SIGTERM');
  app.on('exit', () => void stop());
} else {
  process.stdout.write(`\n${electron.reason}\nUsing the browser host instead.\n`);
  const host = await startHostProcess(world.configDir);
  stopApp = () => host.kill('SIGTERM');
  process.stdout.write(`\nOpen Switchboard in your browser:\n${host.url}\n\nPress Ctrl+C to stop everything.\n`);
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stopApp();
  await world.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

// Entry point of the browser host: the same core as the Electron shell, with conf for settings,
// served to a browser on 127.0.0.1. Used by `npm start` where Electron's binary is missing, and by the tests.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/app';
import { confSettingsBackend } from '../core/settings/conf-backend';
import { builtinDeliveryManagers, builtinMechanisms } from '../plugins/builtin';
import { consoleLogger } from '../core/logger';
import { startBrowserHost } from './server';

const log = consoleLogger('host');
process.on('unhandledRejection', (reason) => log.error(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`));

const configDir = process.env.SWITCHBOARD_CONFIG_DIR ?? path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'switchboard');
const rendererDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'renderer');

const core = createCore({
  settings: confSettingsBackend(configDir),
  dataDir: configDir,
  mechanisms: builtinMechanisms(),
  deliveryManagers: builtinDeliveryManagers(),
  log,
});
core.start();
const host = await startBrowserHost({ core, rendererDir, port: Number(process.env.SWITCHBOARD_PORT ?? 0), log });
log.info(`settings: ${path.join(configDir, 'settings.json')}`);
process.stdout.write(`Switchboard is running. Open this address in your browser:\n${host.url}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await host.close();
  await core.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

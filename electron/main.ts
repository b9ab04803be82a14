// Electron main process: a thin shell around the core. It picks the settings backend, opens the
// window and the tray, and wires the IPC contract; everything else lives in the core.
import { app } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/app';
import { builtinDeliveryManagers, builtinMechanisms } from '../plugins/builtin';
import { consoleLogger } from '../core/logger';
import { wireIpc } from './ipc';
import { keychain } from './secrets';
import { electronSettingsBackend } from './settings';
import { createTray, notifyFailure } from './tray';
import { createMainWindow } from './window';

const log = consoleLogger('electron');
const distDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
process.on('unhandledRejection', (reason) => log.error(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`));

if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(() => {
  const configDir = process.env.SWITCHBOARD_CONFIG_DIR ?? app.getPath('userData');
  const { window, url } = createMainWindow(distDir);
  const core = createCore({
    settings: electronSettingsBackend(configDir),
    dataDir: configDir,
    mechanisms: builtinMechanisms(),
    deliveryManagers: builtinDeliveryManagers(),
    log,
    secrets: keychain(),
    notify: (failure) =>
      notifyFailure(window, failure, () => core.events.emit('conversation:focus', { contactId: failure.contactId })),
  });
  const unwire = wireIpc(core, window, url, log);
  createTray(window);
  core.start();
  app.on('second-instance', () => window.show());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    unwire();
    void core.stop().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}, (error: unknown) => {
  log.error(`could not start: ${String(error)}`);
  app.exit(1);
});

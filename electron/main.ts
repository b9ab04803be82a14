// Electron main process: a thin shell around the core. It picks the settings backend, serves the
// page over app://, opens the window and the tray, and wires the IPC contract; everything else lives
// in the core. Only one Switchboard runs per user: a second launch hands over to the first and ends.
import { app, protocol, session, type BrowserWindow } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/app';
import { builtinDeliveryManagers, builtinMechanisms } from '../plugins/builtin';
import { consoleLogger } from '../core/logger';
import { appScheme, appSchemePrivileges, serveAppRequest } from './app-protocol';
import { wireIpc } from './ipc';
import { keychain } from './secrets';
import { utilityProcessStarter } from './plugin-process';
import { electronSettingsBackend } from './settings';
import { createTray, notifyFailure, withdrawFailure } from './tray';
import { bringToFront, createMainWindow, lockDownContents, lockDownSession } from './window';
import { spellcheckWanted } from './window-policy';

const log = consoleLogger('electron');
const distDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
process.on('unhandledRejection', (reason) => log.error(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`));

if (app.requestSingleInstanceLock()) {
  start();
} else {
  // Another Switchboard holds the lock; it shows its window on 'second-instance'. Nothing else starts here.
  app.quit();
}

function start(): void {
  // Must happen before 'ready': Chromium fixes the scheme list when it starts.
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: appSchemePrivileges }]);
  const spellcheck = spellcheckWanted(process.env);
  let window: BrowserWindow | undefined;
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  app.on('second-instance', () => {
    if (window) bringToFront(window);
  });

  app.whenReady().then(() => {
    lockDownSession(session.defaultSession, { spellcheck });
    const rendererDir = path.join(distDir, 'renderer');
    protocol.handle(appScheme, (request) => serveAppRequest(rendererDir, request));
    const configDir = process.env.SWITCHBOARD_CONFIG_DIR ?? app.getPath('userData');
    const shown = createMainWindow(path.join(distDir, 'electron', 'preload.cjs'), { spellcheck });
    window = shown;
    const core = createCore({
      settings: electronSettingsBackend(configDir),
      dataDir: configDir,
      mechanisms: builtinMechanisms(),
      deliveryManagers: builtinDeliveryManagers(),
      log,
      secrets: keychain(),
      // The plugins' sandboxes: a packaged build cannot fork itself as Node.
      processStarter: utilityProcessStarter,
      notify: (failure) =>
        notifyFailure(shown, failure, () => core.events.emit('conversation:focus', { contactId: failure.contactId })),
    });
    const unwire = wireIpc(core, shown, log);
    core.events.on('delivery:withdrawn', ({ messageId }) => withdrawFailure(messageId));
    createTray(shown);
    core.start();
    let quitting = false;
    app.on('before-quit', (event) => {
      if (quitting) return;
      quitting = true;
      event.preventDefault();
      unwire();
      void core.stop().finally(() => app.quit());
    });
    app.on('window-all-closed', () => app.quit());
  }).catch((error: unknown) => {
    log.error(`could not start: ${error instanceof Error ? error.stack : String(error)}`);
    app.exit(1);
  });
}

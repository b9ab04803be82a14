// The main window, locked down: context isolation and the sandbox on, no Node in the page, no
// navigation away from our page, no new windows, no <webview>, no permissions. It shows the page
// from app:// (see app-protocol.ts), never from file://.
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { appPageUrl } from './app-protocol';
import { opensInBrowser } from './window-policy';

export function createMainWindow(preloadPath: string, options: { spellcheck: boolean }): BrowserWindow {
  const window = new BrowserWindow({
    width: 960,
    height: 640,
    title: 'Switchboard',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: options.spellcheck,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appPageUrl);
  return window;
}

/** Brings the window up, from the tray, a notification or a second launch. */
export function bringToFront(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/** Every page gets no permission: asked (request) or silently checked (check), the answer is no. */
export function lockDownSession(session: Session, options: { spellcheck: boolean }): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setSpellCheckerEnabled(options.spellcheck);
}

/** Applied to every webContents the app creates (app 'web-contents-created'), the main window's included. */
export function lockDownContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links in messages open in the user's browser, never inside the app.
    if (opensInBrowser(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

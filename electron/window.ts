// The main window, locked down: context isolation and the sandbox on, no Node in the page, no
// navigation away from our page, no new windows, no permissions.
import { BrowserWindow, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function createMainWindow(distDir: string): { window: BrowserWindow; url: string } {
  const indexHtml = path.join(distDir, 'renderer', 'index.html');
  const url = pathToFileURL(indexHtml).toString();
  const window = new BrowserWindow({
    width: 960,
    height: 640,
    title: 'Switchboard',
    show: false,
    webPreferences: {
      preload: path.join(distDir, 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: true,
    },
  });
  window.webContents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url: target }) => {
    // Links in messages open in the user's browser, never inside the app.
    if (/^https?:\/\//.test(target)) void shell.openExternal(target);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(indexHtml);
  return { window, url };
}

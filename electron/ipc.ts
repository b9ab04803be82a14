// Wires the IPC contract to Electron: one handler per request name (validated by the core's dispatch)
// and every core event forwarded to the window. Requests are taken only from our window's own page,
// app://switchboard/index.html; any other frame or page gets a refusal.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { eventNames, requestNames } from '../shared/contract';
import { fail } from '../shared/result';
import type { Logger } from '../shared/mechanism';
import type { Core } from '../core/app';
import { dispatch } from '../core/ipc/dispatch';
import { isAppPage } from './app-protocol';

export function wireIpc(core: Core, window: BrowserWindow, log: Logger): () => void {
  // Our window, its top frame (not an iframe), showing our page: a page that got there any other way is refused.
  const fromOurPage = ({ sender, senderFrame }: IpcMainInvokeEvent) =>
    !window.isDestroyed() && sender.id === window.webContents.id && senderFrame !== null && senderFrame.parent === null && isAppPage(senderFrame.url);
  for (const name of requestNames) {
    ipcMain.handle(name, (event, payload: unknown) =>
      fromOurPage(event) ? dispatch(core.handlers, name, payload, log) : fail('unknown-request', 'Requests are only taken from the Switchboard window.'),
    );
  }
  const offs = eventNames.map((name) =>
    core.events.on(name, (payload: unknown) => {
      if (!window.isDestroyed()) window.webContents.send(name, payload);
    }),
  );
  return () => {
    for (const name of requestNames) ipcMain.removeHandler(name);
    for (const off of offs) off();
  };
}

// Wires the IPC contract to Electron: one handler per request name (validated by the core's dispatch)
// and every core event forwarded to the window. Requests from any frame but our own page are refused.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { eventNames, requestNames } from '../shared/contract';
import { fail } from '../shared/result';
import type { Logger } from '../shared/mechanism';
import type { Core } from '../core/app';
import { dispatch } from '../core/ipc/dispatch';

export function wireIpc(core: Core, window: BrowserWindow, trustedUrl: string, log: Logger): () => void {
  const fromOurPage = (event: IpcMainInvokeEvent) => event.senderFrame?.url.split('#')[0] === trustedUrl;
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

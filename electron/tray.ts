// The tray icon, and the notification that tells the sender a message could not be delivered.
import { Menu, Notification, Tray, app, nativeImage, type BrowserWindow } from 'electron';
import type { DeliveryFailure } from '../shared/domain';

// A 16×16 green square, drawn here so the app needs no image file to start.
function icon() {
  const size = 16;
  const pixels = Buffer.alloc(size * size * 4);
  for (let i = 0; i < size * size; i++) pixels.set([0x3e, 0x9e, 0x1e, 0xff], i * 4); // BGRA
  return nativeImage.createFromBitmap(pixels, { width: size, height: size });
}

export function createTray(window: BrowserWindow): Tray {
  const tray = new Tray(icon());
  tray.setToolTip('Switchboard');
  const show = () => {
    window.show();
    window.focus();
  };
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Switchboard', click: show },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
  tray.on('click', show);
  return tray;
}

/** Tells the sender who could not be reached; a click brings the window up on that conversation. */
export function notifyFailure(window: BrowserWindow, failure: DeliveryFailure, openConversation: () => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: `Could not reach ${failure.contactName}`, body: failure.reason });
  notification.on('click', () => {
    window.show();
    window.focus();
    openConversation();
  });
  notification.show();
}

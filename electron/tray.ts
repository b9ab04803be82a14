// The tray icon, and the notification that tells the sender a message could not be delivered.
// Both are held here for as long as they are shown: Electron destroys a Tray or Notification whose
// JavaScript object is garbage-collected, so an unreferenced one vanishes (or loses its click) at
// the next collection.
import { Menu, Notification, Tray, app, nativeImage, type BrowserWindow } from 'electron';
import type { DeliveryFailure } from '../shared/domain';
import { bringToFront } from './window';

let tray: Tray | undefined;
/** The failure notifications on screen, by message id, so a failure taken back can take its notification too. */
const shownNotifications = new Map<string, Notification>();

// A 16×16 green square, drawn here so the app needs no image file to start.
function icon() {
  const size = 16;
  const pixels = Buffer.alloc(size * size * 4);
  for (let i = 0; i < size * size; i++) pixels.set([0x3e, 0x9e, 0x1e, 0xff], i * 4); // BGRA
  return nativeImage.createFromBitmap(pixels, { width: size, height: size });
}

export function createTray(window: BrowserWindow): Tray {
  tray?.destroy();
  tray = new Tray(icon());
  tray.setToolTip('Switchboard');
  const show = () => bringToFront(window);
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
  shownNotifications.get(failure.messageId)?.close();
  shownNotifications.set(failure.messageId, notification);
  const release = () => {
    if (shownNotifications.get(failure.messageId) === notification) shownNotifications.delete(failure.messageId);
  };
  notification.on('click', () => {
    release();
    bringToFront(window);
    openConversation();
  });
  notification.on('close', release);
  notification.on('failed', release);
  notification.show();
}

/** Later evidence (a receipt, a late ack, a reply) took a failure back: its notification goes too. */
export function withdrawFailure(messageId: string): void {
  const notification = shownNotifications.get(messageId);
  shownNotifications.delete(messageId);
  notification?.close();
}

// What an incoming message does outside its conversation: the live region announces it with the
// sender's name (for a screen reader), and a desktop notification shows it while the window is not
// focused (the web Notification API: native notifications under Electron and in the browser host).
// A click on the notification opens that conversation.
import type { MessageView } from '../../shared/domain';
import { useStore } from './store';

/** Messages older than this (an archive catching up) are neither announced nor notified. */
const FRESH_MS = 2 * 60_000;

export function incomingMessage(message: MessageView): void {
  if (message.state !== 'received' || Date.now() - message.at > FRESH_MS) return;
  const { contactsById, select } = useStore.getState();
  const name = contactsById[message.contactId]?.name ?? 'Someone new';
  const text = message.body.length > 140 ? `${message.body.slice(0, 140)}…` : message.body;
  useStore.setState({ announcement: `Message from ${name}: ${text}` });
  if (document.hasFocus() || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const notification = new Notification(name, { body: text, tag: message.contactId });
  notification.onclick = () => {
    window.focus();
    void select(message.contactId);
    notification.close();
  };
}

/** Asks once, on a user's gesture (browsers only ask then), whether notifications may be shown. */
export function askForNotifications(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
}

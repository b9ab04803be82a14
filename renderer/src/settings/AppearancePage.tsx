// Settings › Appearance: light, dark or the system's theme, the list's order, and whether desktop
// notifications may be shown.
import { useState } from 'react';
import { useStore } from '../store';
import type { Theme } from '../store/ui';

const themes: readonly { id: Theme; label: string }[] = [
  { id: 'system', label: 'As the system' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
];

export function AppearancePage() {
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);
  const order = useStore((s) => s.order);
  const setOrder = useStore((s) => s.setOrder);
  const [permission, setPermission] = useState(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  return (
    <>
      <fieldset className="choices">
        <legend>Theme</legend>
        {themes.map((t) => (
          <label key={t.id}>
            <input type="radio" name="theme" value={t.id} checked={theme === t.id} onChange={() => setTheme(t.id)} /> {t.label}
          </label>
        ))}
      </fieldset>
      <fieldset className="choices">
        <legend>Order of the list</legend>
        <label>
          <input type="radio" name="order" checked={order === 'recent'} onChange={() => setOrder('recent')} /> Recent conversations first
        </label>
        <label>
          <input type="radio" name="order" checked={order === 'name'} onChange={() => setOrder('name')} /> By name
        </label>
      </fieldset>
      <h3>Notifications</h3>
      {permission === 'granted' && <p>A message that arrives while Switchboard is in the background shows a notification.</p>}
      {permission === 'denied' && <p>Notifications are turned off for Switchboard in your system or browser settings.</p>}
      {permission === 'unsupported' && <p>This window cannot show notifications.</p>}
      {permission === 'default' && (
        <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
          Show a notification when a message arrives
        </button>
      )}
    </>
  );
}

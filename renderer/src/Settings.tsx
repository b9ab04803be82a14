// The settings screen, apart from the conversations: where mechanisms may be named. Its pages:
// accounts, people, delivery (managers, configurations, rules and the route preview), your own
// plugins, appearance,
// and the diagnostics of recent deliveries. Escape (or the button) goes back to the conversations.
import { useEffect, useRef } from 'react';
import { AccountsPage } from './settings/AccountsPage';
import { AppearancePage } from './settings/AppearancePage';
import { DeliveryPage } from './settings/DeliveryPage';
import { DiagnosticsPage } from './settings/DiagnosticsPage';
import { PeoplePage } from './settings/PeoplePage';
import { PluginsPage } from './settings/PluginsPage';
import { useStore } from './store';
import type { SettingsPage } from './store/settings';

const pages: readonly { id: SettingsPage; label: string }[] = [
  { id: 'accounts', label: 'Accounts' },
  { id: 'people', label: 'People' },
  { id: 'delivery', label: 'Delivery' },
  { id: 'plugins', label: 'Plugins' },
  { id: 'appearance', label: 'Appearance' },
  { id: 'diagnostics', label: 'Diagnostics' },
];

export function Settings() {
  const close = useStore((s) => s.closeSettings);
  const page = useStore((s) => s.settingsPage);
  const heading = useRef<HTMLHeadingElement>(null);
  // Focus moves to the screen that opened; Settings' own button takes it back on close.
  useEffect(() => {
    heading.current?.focus();
    return () => document.querySelector<HTMLElement>('.settings-button')?.focus();
  }, []);
  return (
    <section
      className="settings"
      aria-label="Settings"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) close();
      }}
    >
      <header className="settings-header">
        <h2 ref={heading} tabIndex={-1}>
          Settings
        </h2>
        <button type="button" onClick={close}>
          Back to conversations
        </button>
      </header>
      <nav className="settings-tabs" aria-label="Settings pages">
        {pages.map((p) => (
          <button key={p.id} type="button" aria-current={p.id === page ? 'page' : undefined} onClick={() => useStore.setState({ settingsPage: p.id })}>
            {p.label}
          </button>
        ))}
      </nav>
      <div className="settings-page">
        {page === 'accounts' && <AccountsPage />}
        {page === 'people' && <PeoplePage />}
        {page === 'delivery' && <DeliveryPage />}
        {page === 'plugins' && <PluginsPage />}
        {page === 'appearance' && <AppearancePage />}
        {page === 'diagnostics' && <DiagnosticsPage />}
      </div>
    </section>
  );
}

// The side of the window with the people: the filter box (Ctrl+K or Ctrl+F), the order switch, the
// contact list, new people waiting, and the ways to add a person and to open Settings. On a narrow
// window it is a drawer over the conversation.
import { useEffect, useRef } from 'react';
import { ContactList } from './ContactList';
import { NewPeople } from './NewPeople';
import { useStore } from './store';

export function Sidebar() {
  const filter = useStore((s) => s.filter);
  const setFilter = useStore((s) => s.setFilter);
  const order = useStore((s) => s.order);
  const setOrder = useStore((s) => s.setOrder);
  const openSettings = useStore((s) => s.openSettings);
  const addPerson = useStore((s) => s.setAddingPerson);
  const drawerOpen = useStore((s) => s.drawerOpen);
  const search = useRef<HTMLInputElement>(null);

  // Ctrl+K or Ctrl+F (Cmd on a Mac) goes to the filter box, wherever focus is.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === 'k' || e.key === 'f')) {
        e.preventDefault();
        useStore.getState().setDrawer(true);
        search.current?.focus();
        search.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <nav className={drawerOpen ? 'sidebar sidebar-open' : 'sidebar'} aria-label="People">
      <header className="sidebar-header">
        <h1>Switchboard</h1>
        <button type="button" className="icon-button" aria-label="Add a person" title="Add a person" onClick={() => addPerson(true)}>
          +
        </button>
      </header>
      <div className="sidebar-tools">
        <input
          ref={search}
          type="search"
          className="search"
          aria-label="Find a person"
          placeholder="Find a person (Ctrl+K)"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter) {
              e.stopPropagation();
              setFilter('');
            } else if (e.key === 'ArrowDown') {
              e.preventDefault();
              document.querySelector<HTMLElement>('.contacts button[tabindex="0"]')?.focus();
            }
          }}
        />
        <select aria-label="Order of the list" value={order} onChange={(e) => setOrder(e.target.value as typeof order)}>
          <option value="recent">Recent first</option>
          <option value="name">By name</option>
        </select>
      </div>
      <ContactList />
      <NewPeople />
      <button type="button" className="settings-button" onClick={() => void openSettings()}>
        Settings
      </button>
    </nav>
  );
}

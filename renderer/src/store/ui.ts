// The window's own choices: light, dark or the system's theme; the list's order; the filter box; the
// drawer on narrow windows; the first-run welcome's step. Theme and order outlive the session (in
// localStorage: they are the window's, not the user's data).
import type { ListOrder } from '../lib/people-order';
import type { Slice } from './state';

export type Theme = 'system' | 'light' | 'dark';
export type WelcomeStep = 'kind' | 'account' | 'people' | undefined;

export interface UiSlice {
  theme: Theme;
  order: ListOrder;
  filter: string;
  /** On a narrow window: whether the contact list is drawn over the conversation. */
  drawerOpen: boolean;
  /** The first-run welcome's step; undefined once the newcomer is through (or never was one). */
  welcome: WelcomeStep;
  /** The account the welcome is setting up. */
  welcomeAccount: string | undefined;
  /** Whether the "Add a person" dialog is open. */
  addingPerson: boolean;
  setAddingPerson(open: boolean): void;
  /** The last incoming message in words, for the live region a screen reader announces. */
  announcement: string;
  setTheme(theme: Theme): void;
  setOrder(order: ListOrder): void;
  setFilter(filter: string): void;
  setDrawer(open: boolean): void;
  setWelcome(step: WelcomeStep, account?: string): void;
}

const remembered = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
  try {
    const value = localStorage.getItem(key);
    return allowed.includes(value as T) ? (value as T) : fallback;
  } catch {
    return fallback; // storage refused (a private window): the default
  }
};
const remember = (key: string, value: string) => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not kept across sessions; it still applies now
  }
};

export const uiSlice: Slice<UiSlice> = (set) => ({
  theme: remembered<Theme>('switchboard.theme', ['system', 'light', 'dark'], 'system'),
  order: remembered<ListOrder>('switchboard.order', ['recent', 'name'], 'recent'),
  filter: '',
  drawerOpen: false,
  welcome: undefined,
  welcomeAccount: undefined,
  announcement: '',
  addingPerson: false,
  setAddingPerson: (addingPerson) => set({ addingPerson }),
  setTheme: (theme) => (remember('switchboard.theme', theme), set({ theme })),
  setOrder: (order) => (remember('switchboard.order', order), set({ order })),
  setFilter: (filter) => set({ filter }),
  setDrawer: (drawerOpen) => set({ drawerOpen }),
  setWelcome: (welcome, account) => set({ welcome, welcomeAccount: account }),
});

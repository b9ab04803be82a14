// The renderer's store: its slices made into one zustand store. Everything arrives through the
// contract's API (see connect.ts); nothing here knows which host carries it.
import { create } from 'zustand';
import { contactsSlice } from './contacts';
import { conversationsSlice } from './conversations';
import { errorsSlice } from './errors';
import { newPeopleSlice } from './new-people';
import { settingsSlice } from './settings';
import type { State } from './state';

export const useStore = create<State>()((...a) => ({
  ...contactsSlice(...a),
  ...conversationsSlice(...a),
  ...newPeopleSlice(...a),
  ...settingsSlice(...a),
  ...errorsSlice(...a),
}));

export type { SendOptions } from './conversations';

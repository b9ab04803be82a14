// The renderer's store: its slices made into one zustand store. Everything arrives through the
// contract's API (see connect.ts); nothing here knows which host carries it.
import { create } from 'zustand';
import { contactsSlice } from './contacts';
import { conversationsSlice } from './conversations';
import { deliverySlice } from './delivery';
import { draftsSlice } from './drafts';
import { errorsSlice } from './errors';
import { newPeopleSlice } from './new-people';
import { peopleSlice } from './people';
import { settingsSlice } from './settings';
import type { State } from './state';
import { summariesSlice } from './summaries';
import { uiSlice } from './ui';

export const useStore = create<State>()((...a) => ({
  ...contactsSlice(...a),
  ...conversationsSlice(...a),
  ...draftsSlice(...a),
  ...summariesSlice(...a),
  ...newPeopleSlice(...a),
  ...peopleSlice(...a),
  ...settingsSlice(...a),
  ...deliverySlice(...a),
  ...uiSlice(...a),
  ...errorsSlice(...a),
}));

export type { SendOptions } from './conversations';

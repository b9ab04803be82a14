// The renderer's state is one zustand store made of slices, each in its own file and named for what
// it holds: contacts, conversations (with drafts and summaries), new people, people (Settings'
// person pages and link suggestions), accounts and settings, delivery settings, the window's own
// choices (ui), errors. A slice's actions get the whole state; they change their own fields, and
// another's only where that is what the action means (opening a conversation leaves Settings; a
// failed request sets the error).
import type { StateCreator } from 'zustand';
import type { ContactsSlice } from './contacts';
import type { ConversationsSlice } from './conversations';
import type { DeliverySlice } from './delivery';
import type { DraftsSlice } from './drafts';
import type { ErrorsSlice } from './errors';
import type { NewPeopleSlice } from './new-people';
import type { PeopleSlice } from './people';
import type { SettingsSlice } from './settings';
import type { SummariesSlice } from './summaries';
import type { UiSlice } from './ui';

export type State = ContactsSlice &
  ConversationsSlice &
  DraftsSlice &
  SummariesSlice &
  NewPeopleSlice &
  PeopleSlice &
  SettingsSlice &
  DeliverySlice &
  UiSlice &
  ErrorsSlice;

export type Slice<T> = StateCreator<State, [], [], T>;

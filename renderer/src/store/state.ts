// The renderer's state is one zustand store made of slices, each in its own file and named for what
// it holds: contacts, conversations, new people, settings, errors. A slice's actions get the whole
// state; they change their own fields, and another's only where that is what the action means
// (opening a conversation leaves Settings; a failed request sets the error).
import type { StateCreator } from 'zustand';
import type { ContactsSlice } from './contacts';
import type { ConversationsSlice } from './conversations';
import type { ErrorsSlice } from './errors';
import type { NewPeopleSlice } from './new-people';
import type { SettingsSlice } from './settings';

export type State = ContactsSlice & ConversationsSlice & NewPeopleSlice & SettingsSlice & ErrorsSlice;

export type Slice<T> = StateCreator<State, [], [], T>;

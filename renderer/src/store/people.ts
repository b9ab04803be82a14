// The people slice: adding, changing, merging and removing a person (from the window or from their
// page in Settings), and the suggestions to link addresses that look like one person's.
import type { ContactId } from '../../../shared/domain';
import type { LinkSuggestion, PersonView } from '../../../shared/views';
import { api } from '../api';
import { valueOf } from './errors';
import type { Slice } from './state';

export interface PeopleSlice {
  suggestions: readonly LinkSuggestion[];
  /** The person whose page is open in Settings › People ("new" for a new one). */
  personOpen: ContactId | 'new' | undefined;
  openPerson(id: ContactId | 'new' | undefined): void;
  person(contactId: ContactId): Promise<PersonView | undefined>;
  /** Saves a person; resolves with them, or with the reason it was refused. */
  savePerson(input: { contactId?: ContactId; name: string; addresses: Record<string, string> }): Promise<PersonView | string>;
  removePerson(contactId: ContactId): Promise<boolean>;
  mergePeople(into: ContactId, from: ContactId): Promise<PersonView | string>;
  acceptSuggestion(id: string): Promise<void>;
  dismissSuggestion(id: string): Promise<void>;
}

export const peopleSlice: Slice<PeopleSlice> = (set, get) => {
  const setError = (error: string) => set({ error });
  return {
    suggestions: [],
    personOpen: undefined,
    openPerson: (personOpen) => set({ personOpen }),
    async person(contactId) {
      return valueOf(await api.contacts.details({ contactId }), setError);
    },
    async savePerson(input) {
      const result = await api.contacts.save(input);
      return result.ok ? result.value : result.error.message;
    },
    async removePerson(contactId) {
      const removed = valueOf(await api.contacts.remove({ contactId }), setError) !== undefined;
      if (removed && get().selected === contactId) set({ selected: undefined });
      if (removed && get().personOpen === contactId) set({ personOpen: undefined });
      return removed;
    },
    async mergePeople(into, from) {
      const result = await api.contacts.merge({ into, from });
      if (!result.ok) return result.error.message;
      if (get().selected === from) await get().select(into);
      return result.value;
    },
    async acceptSuggestion(id) {
      set((s) => ({ suggestions: s.suggestions.filter((x) => x.id !== id) }));
      valueOf(await api.contacts.acceptSuggestion({ suggestionId: id }), setError);
    },
    async dismissSuggestion(id) {
      set((s) => ({ suggestions: s.suggestions.filter((x) => x.id !== id) }));
      valueOf(await api.contacts.dismissSuggestion({ suggestionId: id }), setError);
    },
  };
};

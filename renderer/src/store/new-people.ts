// The new-people slice: the first screenful of those waiting (people who wrote, then those an
// account's roster offers) and how many wait in all; accepting one opens their conversation.
import type { StrangerView } from '../../../shared/domain';
import { api } from '../api';
import { valueOf } from './errors';
import type { Slice } from './state';

export interface NewPeopleSlice {
  strangers: readonly StrangerView[];
  strangersWaiting: number;
  /** Makes them a contact; their conversation opens unless `open` is false (the welcome adds several). */
  accept(strangerId: string, name: string, options?: { open?: boolean }): Promise<void>;
  ignore(strangerId: string): Promise<void>;
}

export const newPeopleSlice: Slice<NewPeopleSlice> = (set, get) => {
  const setError = (error: string) => set({ error });
  return {
    strangers: [],
    strangersWaiting: 0,
    async accept(strangerId, name, options) {
      const contact = valueOf(await api.strangers.accept({ strangerId, name }), setError);
      if (contact && options?.open !== false) await get().select(contact.id);
    },
    async ignore(strangerId) {
      valueOf(await api.strangers.ignore({ strangerId }), setError);
    },
  };
};

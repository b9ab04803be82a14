// The drafts slice: what the user was writing to each person, and the urgency, expiry and delivery
// manager chosen for it. Each person has their own: opening another conversation never carries a
// draft (or an Urgent choice) to the wrong person. Kept for the session, as the window holds it.
import type { ContactId, Priority } from '../../../shared/domain';
import type { Slice } from './state';

export interface Draft {
  readonly text: string;
  readonly priority: Priority;
  /** Index into the compose box's expiry choices (0: never). */
  readonly expiry: number;
  /** A delivery manager chosen by hand; empty for automatic. */
  readonly manager: string;
}

export const emptyDraft: Draft = { text: '', priority: 'normal', expiry: 0, manager: '' };

export interface DraftsSlice {
  drafts: Readonly<Record<ContactId, Draft>>;
  setDraft(contactId: ContactId, change: Partial<Draft>): void;
}

export const draftsSlice: Slice<DraftsSlice> = (set) => ({
  drafts: {},
  setDraft: (contactId, change) => set((s) => ({ drafts: { ...s.drafts, [contactId]: { ...(s.drafts[contactId] ?? emptyDraft), ...change } } })),
});

// The summaries slice: per conversation its last message, time and unread count, as the contact list
// shows them; the total unread for the window's title; and marking a conversation read.
import type { ContactId } from '../../../shared/domain';
import type { ConversationSummary } from '../../../shared/views';
import { api } from '../api';
import type { Slice } from './state';

export interface SummariesSlice {
  summaries: Readonly<Record<ContactId, ConversationSummary>>;
  /** Tells the core the open conversation was read; the badge goes at once, the core confirms. */
  markRead(contactId: ContactId): Promise<void>;
}

export const summariesSlice: Slice<SummariesSlice> = (set, get) => ({
  summaries: {},
  async markRead(contactId) {
    const summary = get().summaries[contactId];
    if (summary?.unread) set((s) => ({ summaries: { ...s.summaries, [contactId]: { ...summary, unread: 0 } } }));
    const result = await api.conversations.read({ contactId });
    if (!result.ok) set({ error: result.error.message });
  },
});

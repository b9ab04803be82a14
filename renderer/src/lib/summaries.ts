// Conversation summaries as the window keeps them: changed ones merged in, and the unread total.
import type { ContactId } from '../../../shared/domain';
import type { ConversationSummary } from '../../../shared/views';

/** Summaries that changed, merged in (the same object when none did). */
export function withSummaries(
  current: Readonly<Record<ContactId, ConversationSummary>>,
  changed: readonly ConversationSummary[],
): Readonly<Record<ContactId, ConversationSummary>> {
  if (!changed.length) return current;
  const next = { ...current };
  for (const s of changed) next[s.contactId] = s;
  return next;
}

/** Unread messages in every conversation, for the title ("(3) Switchboard"). */
export const totalUnread = (summaries: Readonly<Record<ContactId, ConversationSummary>>): number =>
  Object.values(summaries).reduce((n, s) => n + s.unread, 0);

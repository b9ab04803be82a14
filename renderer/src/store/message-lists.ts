// The loaded part of a conversation, kept in order as events and pages arrive: pure functions, so
// that what the window shows can be tested without a window.
import type { ContactId, MessageView } from '../../../shared/domain';

const inOrder = (a: MessageView, b: MessageView) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A message put in its place: replaced where it is (looked for from the newest end, where changes
 * happen), or inserted by binary search. No sort of the whole conversation per event.
 */
export function upsert(list: readonly MessageView[], message: MessageView): MessageView[] {
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i]!.id !== message.id) continue;
    const next = list.slice();
    next[i] = message;
    return next;
  }
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (inOrder(list[mid]!, message) <= 0) low = mid + 1;
    else high = mid;
  }
  return [...list.slice(0, low), message, ...list.slice(low)];
}

/** A page merged into what is loaded: what the page brings replaces what is there, once each. */
export function merge(list: readonly MessageView[], page: readonly MessageView[]): MessageView[] {
  const fresh = new Map(page.map((m) => [m.id, m]));
  return [...list.filter((m) => !fresh.has(m.id)), ...page].sort(inOrder);
}

/** A message that changed, put in its conversation; "still trying" holds only while it is on its way. */
export function withMessage(
  s: { messages: Record<ContactId, MessageView[]>; stillTrying: Record<string, string> },
  message: MessageView,
): { messages: Record<ContactId, MessageView[]>; stillTrying?: Record<string, string> } {
  const still = message.state === 'waiting' || message.state === 'sending';
  const { [message.id]: _done, ...trying } = s.stillTrying;
  return {
    messages: { ...s.messages, [message.contactId]: upsert(s.messages[message.contactId] ?? [], message) },
    ...(!still && message.id in s.stillTrying && { stillTrying: trying }),
  };
}

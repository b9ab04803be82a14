// A conversation as the window lays it out: a day separator before each new day, and runs of
// messages grouped (same direction, a few minutes apart, same day), as Signal and Telegram do.
import type { MessageView } from '../../../shared/domain';
import { dayLabel, daysAgo } from './time';

/** Messages this close, one way, read as one run. */
export const RUN_GAP_MS = 5 * 60_000;

export type ConversationItem =
  | { readonly kind: 'day'; readonly key: string; readonly label: string }
  | { readonly kind: 'message'; readonly key: string; readonly message: MessageView; readonly first: boolean; readonly last: boolean };

export function conversationItems(messages: readonly MessageView[], now: number): ConversationItem[] {
  const items: ConversationItem[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const before = messages[i - 1];
    const after = messages[i + 1];
    const newDay = !before || daysAgo(before.at, now) !== daysAgo(message.at, now);
    if (newDay) items.push({ kind: 'day', key: `day:${message.id}`, label: dayLabel(message.at, now) });
    const joins = (a: MessageView | undefined, b: MessageView | undefined) =>
      a !== undefined && b !== undefined && a.direction === b.direction && b.at - a.at < RUN_GAP_MS && daysAgo(a.at, now) === daysAgo(b.at, now);
    items.push({ kind: 'message', key: message.id, message, first: newDay || !joins(before, message), last: !joins(message, after) });
  }
  return items;
}

// A conversation as the window lays it out: each message with the day separator above it when it
// starts a new day, and whether it starts or ends a run (same direction, a few minutes apart, same
// day), as Signal and Telegram group them. One item per message, so the list's positions are the
// messages' own (a screen reader hears "message 3 of 100").
import type { MessageView } from '../../../shared/domain';
import { dayLabel, daysAgo } from './time';

/** Messages this close, one way, read as one run. */
export const RUN_GAP_MS = 5 * 60_000;

export interface ConversationItem {
  readonly message: MessageView;
  /** The day separator's label, on the first message of each day. */
  readonly day?: string;
  readonly first: boolean;
  readonly last: boolean;
}

export function conversationItems(messages: readonly MessageView[], now: number): ConversationItem[] {
  const joins = (a: MessageView | undefined, b: MessageView | undefined) =>
    a !== undefined && b !== undefined && a.direction === b.direction && b.at - a.at < RUN_GAP_MS && daysAgo(a.at, now) === daysAgo(b.at, now);
  return messages.map((message, i) => {
    const before = messages[i - 1];
    const newDay = !before || daysAgo(before.at, now) !== daysAgo(message.at, now);
    return { message, ...(newDay && { day: dayLabel(message.at, now) }), first: newDay || !joins(before, message), last: !joins(message, messages[i + 1]) };
  });
}

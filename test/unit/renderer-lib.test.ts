// The window's pure helpers: how times read, how a conversation is laid out in days and runs, the
// list's order and filter, initials, and the unread total for the title.
import { describe, expect, it } from 'vitest';
import { conversationItems } from '../../renderer/src/lib/conversation-items';
import { folded, initials, orderedIds } from '../../renderer/src/lib/people-order';
import { dayLabel, daysAgo, listTime } from '../../renderer/src/lib/time';
import { totalUnread, withSummaries } from '../../renderer/src/lib/summaries';
import type { MessageView } from '../../shared/domain';
import type { ConversationSummary } from '../../shared/views';

const at = (y: number, mo: number, d: number, h = 12, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const now = at(2026, 12, 2, 15, 30);
const m = (id: string, when: number, direction: 'in' | 'out' = 'in'): MessageView => ({ id, contactId: 'jane', direction, body: id, state: direction === 'in' ? 'received' : 'sent', at: when, priority: 'normal' });

describe('times', () => {
  it('reads relative in the list: now, minutes, the clock, yesterday, a weekday, a date', () => {
    expect(listTime(now - 20_000, now)).toBe('now');
    expect(listTime(now - 5 * 60_000, now)).toBe('5 min');
    expect(listTime(at(2026, 12, 2, 9, 5), now)).toMatch(/09.05|9.05/);
    expect(listTime(at(2026, 12, 1, 23, 59), now)).toBe('Yesterday');
    expect(listTime(at(2026, 11, 28), now)).toBe(new Date(at(2026, 11, 28)).toLocaleDateString(undefined, { weekday: 'short' }));
    expect(listTime(at(2026, 10, 3), now)).not.toMatch(/2026/);
    expect(listTime(at(2025, 10, 3), now)).toMatch(/2025/);
  });

  it('counts calendar days, not 24-hour spans', () => {
    expect(daysAgo(at(2026, 12, 1, 23, 59), at(2026, 12, 2, 0, 1))).toBe(1);
    expect(daysAgo(at(2026, 12, 2, 0, 1), at(2026, 12, 2, 23, 59))).toBe(0);
    expect(dayLabel(at(2026, 12, 2, 1), now)).toBe('Today');
    expect(dayLabel(at(2026, 12, 1, 1), now)).toBe('Yesterday');
  });
});

describe('conversation layout', () => {
  it('puts a day separator before each new day and groups runs one way a few minutes apart', () => {
    const items = conversationItems(
      [m('a', at(2026, 12, 1, 10, 0)), m('b', at(2026, 12, 1, 10, 2)), m('c', at(2026, 12, 1, 10, 3), 'out'), m('d', at(2026, 12, 2, 9, 0)), m('e', at(2026, 12, 2, 9, 30))],
      now,
    );
    expect(items.map((i) => `${i.day ? `[${i.day}] ` : ''}${i.message.id}${i.first ? '<' : ''}${i.last ? '>' : ''}`)).toEqual([
      '[Yesterday] a<',
      'b>',
      'c<>',
      '[Today] d<>', // a new day starts a new run
      'e<>', // thirty minutes later is a new run
    ]);
  });
});

describe('the list', () => {
  const ids = ['ann', 'bob', 'zoe'];
  const names = { ann: 'Ann Lee', bob: 'Bob Ray', zoe: 'Zoë Park' };
  const s = (contactId: string, lastAt: number, unread = 0): ConversationSummary => ({ contactId, lastAt, preview: 'hi', lastDirection: 'in', unread });
  const summaries = { zoe: s('zoe', 20, 2), bob: s('bob', 10) };

  it('puts recent conversations first, newest first, then everyone else by name', () => {
    expect(orderedIds(ids, names, summaries, 'recent', '')).toEqual(['zoe', 'bob', 'ann']);
    expect(orderedIds(ids, names, summaries, 'name', '')).toEqual(ids);
  });

  it('filters by name, ignoring case and accents', () => {
    expect(orderedIds(ids, names, summaries, 'recent', 'zoe')).toEqual(['zoe']);
    expect(orderedIds(ids, names, summaries, 'name', ' RAY ')).toEqual(['bob']);
    expect(folded('Zoë')).toBe('zoe');
  });

  it('makes initials from the first and last words', () => {
    expect(initials('Jane Doe')).toBe('JD');
    expect(initials('Jane van der Berg')).toBe('JB');
    expect(initials('  cher ')).toBe('C');
    expect(initials('Élodie Ñu')).toBe('ÉÑ');
  });

  it('adds up unread for the title, and merges changed summaries', () => {
    expect(totalUnread(summaries)).toBe(2);
    const next = withSummaries(summaries, [s('ann', 30, 1)]);
    expect(totalUnread(next)).toBe(3);
    expect(withSummaries(summaries, [])).toBe(summaries);
  });
});

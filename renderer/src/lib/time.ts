// How the window words times: relative in the list ("now", "5 min", "14:05", "Yesterday", "Mon",
// "3 Dec"), hour and minute on a message (no seconds), the full date on hover, and day separators.
// Pure functions of a time and "now", so that they can be tested without a clock.

const MINUTE = 60_000;

const startOfDay = (at: number): number => {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
};

/** Whole calendar days from `at` to `now` (0 today, 1 yesterday), in the local time zone. */
export function daysAgo(at: number, now: number): number {
  return Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
}

/** Hour and minute, as the user's locale writes them. */
export const clockTime = (at: number): string => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** The full date and time, for a tooltip. */
export const fullDate = (at: number): string => new Date(at).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** A time in the contact list: short, and relative where that is what people read. */
export function listTime(at: number, now: number): string {
  const ago = now - at;
  if (ago >= 0 && ago < MINUTE) return 'now';
  if (ago >= 0 && ago < 60 * MINUTE) return `${Math.floor(ago / MINUTE)} min`;
  const days = daysAgo(at, now);
  if (days <= 0) return clockTime(at);
  if (days === 1) return 'Yesterday';
  if (days < 7) return new Date(at).toLocaleDateString(undefined, { weekday: 'short' });
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(!sameYear && { year: 'numeric' }) });
}

/** The label of a day separator in a conversation. */
export function dayLabel(at: number, now: number): string {
  const days = daysAgo(at, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Date(at).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', ...(!sameYear && { year: 'numeric' }) });
}

// The order and filter of the contact list: by recent activity (the default, as every messenger) or
// alphabetically, and narrowed by a filter typed in the search box. Pure, for ten thousand people.
import type { ContactId } from '../../../shared/domain';
import type { ConversationSummary } from '../../../shared/views';

export type ListOrder = 'recent' | 'name';

/** Folds case and accents: "zoe" finds "Zoë". */
export const folded = (text: string): string => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

/**
 * The ids to show. `ids` arrive in name order (the core sorts them); recent activity puts those with
 * a conversation first, newest first, and keeps the rest in name order.
 */
export function orderedIds(
  ids: readonly ContactId[],
  names: Readonly<Record<ContactId, string>>,
  summaries: Readonly<Record<ContactId, ConversationSummary>>,
  order: ListOrder,
  filter: string,
): readonly ContactId[] {
  const wanted = folded(filter.trim());
  const shown = wanted ? ids.filter((id) => folded(names[id] ?? '').includes(wanted)) : ids;
  if (order === 'name') return shown;
  const active = shown.filter((id) => summaries[id]);
  if (!active.length) return shown;
  active.sort((a, b) => summaries[b]!.lastAt - summaries[a]!.lastAt);
  return [...active, ...shown.filter((id) => !summaries[id])];
}

/** Two letters for an avatar: the first letters of the first and last words ("Jane Doe" → "JD"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letter = (w: string | undefined) => (w ? [...w][0]!.toUpperCase() : '');
  return (letter(words[0]) + (words.length > 1 ? letter(words.at(-1)) : '')) || '?';
}

/** One of the avatar colours, always the same for a name (each dark enough for white letters). */
export function avatarHue(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return hash % 8;
}

// How XMPP presence maps onto Switchboard's presence words, and how several resources add up.
import type { PresenceShow } from '../../shared/domain';

/** RFC 6121 <show/>: absent or "chat" is available; "dnd" is busy. Anything unknown counts as away. */
export function showFromXmpp(show: string | null | undefined): PresenceShow {
  switch ((show ?? '').trim()) {
    case '':
    case 'chat':
      return 'available';
    case 'dnd':
      return 'busy';
    case 'xa':
      return 'xa';
    default:
      return 'away';
  }
}

const rank: Record<PresenceShow, number> = { available: 4, away: 3, busy: 2, xa: 1, offline: 0 };

/** A person logged in from several devices is as available as their most available device. */
export function bestShow(shows: Iterable<PresenceShow>): PresenceShow {
  let best: PresenceShow = 'offline';
  for (const show of shows) if (rank[show] > rank[best]) best = show;
  return best;
}

/** name@Server/resource → name@server: the address a contact is known by. */
export function bareAddress(address: string): string {
  const withoutResource = address.trim().split('/')[0] ?? '';
  return withoutResource.toLowerCase();
}

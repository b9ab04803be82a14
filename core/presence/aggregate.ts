// The aggregation rule: one glyph for a contact from what every mechanism says about them.
import type { Glyph, PresenceShow } from '../../shared/domain';

/**
 * Available anywhere wins (the person can be reached now); otherwise online-but-not-available anywhere
 * (away, busy, extended away) gives the red circle; offline everywhere or no information gives no glyph.
 */
export function aggregatePresence(shows: Iterable<PresenceShow>): Glyph {
  let glyph: Glyph = 'none';
  for (const show of shows) {
    if (show === 'available') return 'available';
    if (show === 'away' || show === 'busy' || show === 'xa') glyph = 'unavailable';
  }
  return glyph;
}

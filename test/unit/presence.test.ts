// The aggregation rule for a contact's glyph, and the presence service that applies it.
import { describe, expect, it } from 'vitest';
import { aggregatePresence } from '../../core/presence/aggregate';
import { PresenceService } from '../../core/presence/service';
import { bestShow, showFromXmpp } from '../../plugins/xmpp/presence-map';

describe('aggregatePresence', () => {
  it.each([
    [[], 'none'],
    [['offline'], 'none'],
    [['offline', 'offline'], 'none'],
    [['away'], 'unavailable'],
    [['busy'], 'unavailable'],
    [['xa'], 'unavailable'],
    [['away', 'offline'], 'unavailable'],
    [['available'], 'available'],
    [['away', 'available'], 'available'],
    [['offline', 'busy', 'available', 'xa'], 'available'],
  ] as const)('%j gives %s', (shows, glyph) => {
    expect(aggregatePresence(shows)).toBe(glyph);
  });
});

describe('PresenceService', () => {
  it('aggregates across mechanisms and reports only real changes', () => {
    const presence = new PresenceService();
    expect(presence.glyph('jane')).toBe('none');
    expect(presence.set('jane', 'im2', 'away')).toBe(true);
    expect(presence.glyph('jane')).toBe('unavailable');
    expect(presence.set('jane', 'im2', 'xa')).toBe(false); // still a red circle
    expect(presence.set('jane', 'im1', 'available')).toBe(true);
    expect(presence.glyph('jane')).toBe('available');
  });

  it('forgets what a mechanism said when it goes down', () => {
    const presence = new PresenceService();
    presence.set('jerry', 'im1', 'available');
    presence.set('jerry', 'im2', 'away');
    presence.set('frank', 'im2', 'away');
    expect(presence.forgetMechanism('im1')).toEqual(['jerry']);
    expect(presence.glyph('jerry')).toBe('unavailable');
    expect(presence.forgetMechanism('im2').sort()).toEqual(['frank', 'jerry']);
    expect(presence.glyph('frank')).toBe('none');
  });
});

describe('XMPP presence mapping', () => {
  it('maps <show/> to presence words and takes the most available device', () => {
    expect([undefined, '', 'chat', 'away', 'dnd', 'xa', 'weird'].map((s) => showFromXmpp(s))).toEqual([
      'available',
      'available',
      'available',
      'away',
      'busy',
      'xa',
      'away',
    ]);
    expect(bestShow([])).toBe('offline');
    expect(bestShow(['xa', 'away'])).toBe('away');
    expect(bestShow(['busy', 'available'])).toBe('available');
  });
});

// The aggregation rule for a contact's glyph, and the presence service that applies it.
import { describe, expect, it, vi } from 'vitest';
import { aggregatePresence } from '../../core/presence/aggregate';
import { ContactDirectory } from '../../core/contacts/directory';
import { PRESENCE_WINDOW_MS, PresenceChanges } from '../../core/presence/changes';
import { MAX_STATUS_LENGTH, PresenceService } from '../../core/presence/service';
import type { PresenceChange } from '../../shared/domain';
import jid from '@xmpp/jid';
import { bareAddress, bestPresence, showFromXmpp } from '../../plugins/xmpp/presence-map';

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
  const directory = (contacts: Record<string, Record<string, string>>) =>
    new ContactDirectory(
      Object.entries(contacts).map(([id, addresses]) => ({ id, name: id, addresses: Object.fromEntries(Object.entries(addresses).map(([m, a]) => [m, { address: a, settings: {} }])) })),
      (_mechanism, address) => address.trim().toLowerCase(),
    );

  it('keeps the words a person set: those of the most reachable address, cut to a line, gone when offline', () => {
    const contacts = directory({ jane: { im1: 'jane@one.example', irc: 'jane' } });
    const presence = new PresenceService(() => contacts);
    expect(presence.set('irc', 'jane', 'away', '  Gone   fishing ')).toEqual(['jane']);
    expect(presence.presence('jane')).toEqual({ glyph: 'unavailable', status: 'Gone fishing', away: 'away' });
    expect(presence.set('im1', 'jane@one.example', 'available')).toEqual(['jane']);
    expect(presence.status('jane'), 'the only words there are, though from the less reachable address').toBe('Gone fishing');
    expect(presence.set('im1', 'jane@one.example', 'available', 'At my desk')).toEqual(['jane']); // words alone are a change
    expect(presence.status('jane')).toBe('At my desk');
    expect(presence.set('im1', 'jane@one.example', 'offline', 'bye')).toEqual(['jane']);
    expect(presence.presence('jane')).toEqual({ glyph: 'unavailable', status: 'Gone fishing', away: 'away' });
    presence.set('irc', 'jane', 'away', 'x'.repeat(5000));
    expect(presence.status('jane')).toHaveLength(MAX_STATUS_LENGTH);
  });

  it('aggregates across mechanisms and reports only real changes', () => {
    const contacts = directory({ jane: { im1: 'jane@one.example', im2: 'Jane@Two.example' } });
    const presence = new PresenceService(() => contacts);
    expect(presence.glyph('jane')).toBe('none');
    expect(presence.set('im2', ' jane@two.EXAMPLE', 'away')).toEqual(['jane']); // however the server spells it
    expect(presence.glyph('jane')).toBe('unavailable');
    // Still a red circle, but the header says "Away for a while" now: a change.
    expect(presence.set('im2', 'jane@two.example', 'xa')).toEqual(['jane']);
    expect(presence.presence('jane')).toEqual({ glyph: 'unavailable', away: 'xa' });
    expect(presence.set('im2', 'jane@two.example', 'xa')).toEqual([]); // the same again is no change
    expect(presence.set('im1', 'jane@one.example', 'available')).toEqual(['jane']);
    expect(presence.glyph('jane')).toBe('available');
    expect(presence.show('jane', 'im2')).toBe('xa');
  });

  it('forgets what a mechanism said when it goes down', () => {
    const contacts = directory({ jerry: { im1: 'jerry@one', im2: 'jerry@two' }, frank: { im2: 'frank@two' } });
    const presence = new PresenceService(() => contacts);
    presence.set('im1', 'jerry@one', 'available');
    presence.set('im2', 'jerry@two', 'away');
    presence.set('im2', 'frank@two', 'away');
    expect(presence.forgetMechanism('im1')).toEqual(['jerry']);
    expect(presence.glyph('jerry')).toBe('unavailable');
    expect(presence.forgetMechanism('im2').sort()).toEqual(['frank', 'jerry']);
    expect(presence.glyph('frank')).toBe('none');
  });

  it('keeps presence per address: a contact added later shows at once what a mechanism said of its address', () => {
    let contacts = directory({ jerry: { im1: 'jerry@one' } });
    const presence = new PresenceService(() => contacts);
    expect(presence.set('im1', 'newcomer@one', 'available')).toEqual([]); // nobody's address yet
    contacts = directory({ jerry: { im1: 'jerry@one' }, newcomer: { im1: 'Newcomer@One' } });
    expect(presence.glyph('newcomer')).toBe('available');
  });
});

describe('PresenceChanges', () => {
  it('gathers changes into one event per window, each contact once with its glyph when sent', () => {
    vi.useFakeTimers();
    const glyphs: Record<string, PresenceChange['glyph']> = { a: 'available', b: 'none' };
    const sent: PresenceChange[][] = [];
    const changes = new PresenceChanges((id) => (glyphs[id] ? { glyph: glyphs[id] } : undefined), (c) => sent.push(c));
    changes.add(['a', 'b']);
    changes.add(['a']);
    glyphs['a'] = 'unavailable';
    changes.add(['gone']); // no longer a contact: left out
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(PRESENCE_WINDOW_MS);
    expect(sent).toEqual([[{ id: 'a', glyph: 'unavailable' }, { id: 'b', glyph: 'none' }]]);
    changes.add(['b']);
    changes.flush();
    expect(sent).toHaveLength(2);
    vi.useRealTimers();
  });

  it('sends ten thousand changes as one event of ten thousand small entries', () => {
    const sent: PresenceChange[][] = [];
    const changes = new PresenceChanges(() => ({ glyph: 'available' }), (c) => sent.push(c));
    for (let i = 0; i < 10_000; i++) changes.add([`c${i}`]);
    changes.flush();
    expect(sent.map((c) => c.length)).toEqual([10_000]);
  });
});

describe('bareAddress (XMPP)', () => {
  it('normalizes as @xmpp/jid does: resource dropped, local part and domain lowercased, escaping applied', () => {
    expect(bareAddress(' John@Example.ORG/Phone ')).toBe('john@example.org');
    expect(bareAddress('john@example.org')).toBe(bareAddress('JOHN@example.org/laptop'));
    expect(bareAddress('j d@x.org')).toBe('j\\20d@x.org');
    expect(bareAddress('server.example/status')).toBe('server.example');
  });

  it('gives what @xmpp/jid gives, on plain addresses (its fast path) and on ones it must escape', () => {
    const addresses = ['Jerry@IM1.example/Phone', 'j.d+tag_x-y@Sub.Example.org/res/with/slash', 'server.example', 'a@b/', 'Ünïcode@example.org', 'o\'brien@example.org', 'x y@example.org/r'];
    for (const a of addresses) expect(bareAddress(a), a).toBe(jid(a).bare().toString());
  });

  it('keeps something that is no JID matchable rather than throwing', () => {
    expect(bareAddress('')).toBe('');
    expect(bareAddress('/only-a-resource')).toBe('');
  });
});

describe('bestPresence (XMPP devices)', () => {
  it('is the most available device, with its words, or the next words there are', () => {
    expect(bestPresence([])).toEqual({ show: 'offline' });
    expect(bestPresence([{ show: 'away', status: 'Out' }, { show: 'available' }])).toEqual({ show: 'available', status: 'Out' });
    expect(bestPresence([{ show: 'xa', status: 'Asleep' }, { show: 'available', status: 'On the train' }])).toEqual({ show: 'available', status: 'On the train' });
  });
});

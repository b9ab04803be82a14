// The renderer store's pure parts: what the window shows as presence changes and messages arrive.
// A change that concerns one person replaces one record, and nothing when it changes nothing (the
// list then does not render again); messages keep their order, once each.
import { describe, expect, it } from 'vitest';
import { normalizedContacts, withPresence } from '../../renderer/src/store/contacts';
import { merge, upsert, withMessage } from '../../renderer/src/store/message-lists';
import type { MessageView } from '../../shared/domain';

const m = (id: string, at: number, over: Partial<MessageView> = {}): MessageView => ({ id, contactId: 'jane', direction: 'out', body: id, state: 'sending', at, priority: 'normal', ...over });

describe('contacts slice', () => {
  const { contactIds, contactsById } = normalizedContacts([
    { id: 'jane', name: 'Jane Doe', glyph: 'none' },
    { id: 'john', name: 'John Smith', glyph: 'available' },
  ]);

  it('keeps ids in the list’s order and records by id', () => {
    expect(contactIds).toEqual(['jane', 'john']);
    expect(contactsById.john?.name).toBe('John Smith');
  });

  it('replaces only the records a presence change concerns', () => {
    const next = withPresence(contactsById, [{ id: 'jane', glyph: 'available', status: 'In a meeting' }]);
    expect(next.jane).toEqual({ id: 'jane', name: 'Jane Doe', glyph: 'available', status: 'In a meeting' });
    expect(next.john).toBe(contactsById.john);
  });

  it('returns the same object for changes that change nothing, or name no contact', () => {
    expect(withPresence(contactsById, [{ id: 'john', glyph: 'available' }, { id: 'nobody', glyph: 'available' }])).toBe(contactsById);
  });
});

describe('message lists', () => {
  it('puts a message in its place by time, and replaces one it already holds', () => {
    let list = [m('a', 1), m('c', 3)];
    list = upsert(list, m('b', 2));
    expect(list.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    list = upsert(list, m('b', 2, { state: 'delivered' }));
    expect(list.map((x) => [x.id, x.state])).toEqual([['a', 'sending'], ['b', 'delivered'], ['c', 'sending']]);
  });

  it('merges an older page under what is loaded, once each', () => {
    const merged = merge([m('c', 3), m('d', 4)], [m('a', 1), m('b', 2), m('c', 3, { state: 'read' })]);
    expect(merged.map((x) => [x.id, x.state])).toEqual([['a', 'sending'], ['b', 'sending'], ['c', 'read'], ['d', 'sending']]);
  });

  it('drops "still trying" once the message is no longer on its way', () => {
    const s = { messages: { jane: [m('a', 1)] }, stillTrying: { a: 'no way yet' } };
    expect(withMessage(s, m('a', 1, { state: 'waiting' })).stillTrying).toBeUndefined();
    expect(withMessage(s, m('a', 1, { state: 'delivered' })).stillTrying).toEqual({});
  });
});

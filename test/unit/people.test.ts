// People as Settings edits them, on a real settings file and a real SQLite database: adding,
// changing, removing and merging apply at once (saved, told to the window, followed by the
// mechanisms), conversations move with a merge and stay after a removal, and link suggestions
// come for same-named people and roster names, with dismissals kept across a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContactBook } from '../../core/contacts/book';
import { NewPeople } from '../../core/contacts/new-people';
import { editAddresses, mergeAddresses, People } from '../../core/contacts/people';
import { StrangerStore, strangerConversation } from '../../core/contacts/strangers';
import { findSuggestions, LinkSuggestions, mergeSuggestionId, nameKey } from '../../core/contacts/suggestions';
import { CoreEvents } from '../../core/events';
import { InvalidInputError } from '../../core/ipc/handlers';
import { MessageStore } from '../../core/messages/store';
import { ConversationSummaries } from '../../core/messages/summaries';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { dismissedNotices } from '../../core/settings/dismissed';
import { SettingsRepository } from '../../core/settings/repository';
import { openDatabase } from '../../core/storage/database';
import type { ContactView, MessageView } from '../../shared/domain';
import type { ContactSettings } from '../../shared/settings';
import type { LinkSuggestion } from '../../shared/views';

const rules = {
  accounts: () => [
    { id: 'im', kindName: 'Jabber / XMPP' },
    { id: 'sms', kindName: 'SMS' },
  ],
  normalize: (_m: string, a: string) => a.trim().toLowerCase(),
};

describe('editing addresses', () => {
  const current = { im: { address: 'jane@example.org', settings: { note: 'kept' } }, sms: { address: '+1555', settings: {} } };

  it('an address given replaces the one on its account, an empty one removes it, others stay', () => {
    expect(editAddresses(current, { sms: '' }, rules)).toEqual({ im: current.im });
    expect(editAddresses(current, { im: 'other@example.org' }, rules)).toEqual({ im: { address: 'other@example.org', settings: {} }, sms: current.sms });
  });

  it('an address unchanged but for its spelling keeps its own settings, normalized by the account', () => {
    expect(editAddresses(current, { im: '  Jane@Example.ORG ' }, rules).im).toEqual({ address: 'jane@example.org', settings: { note: 'kept' } });
  });

  it('an address on an account that is not set up is refused in words', () => {
    expect(() => editAddresses(current, { pager: '12345' }, rules)).toThrow(InvalidInputError);
    expect(() => editAddresses(current, { pager: '12345' }, rules)).toThrow(/no account "pager"/);
    // Taking such an address away is allowed: that is how one cleans up after removing the account.
    expect(editAddresses({ ...current, pager: { address: '1', settings: {} } }, { pager: '' }, rules)).toEqual(current);
    expect(editAddresses({}, { __proto__: 'x' } as Record<string, string>, rules)).toEqual({});
  });

  it('merging keeps the addresses of the one kept where both have one', () => {
    expect(mergeAddresses({ im: { address: 'a', settings: {} } }, { im: { address: 'b', settings: {} }, sms: { address: 'c', settings: {} } })).toEqual({
      im: { address: 'a', settings: {} },
      sms: { address: 'c', settings: {} },
    });
  });
});

describe('finding link suggestions', () => {
  const contact = (id: string, name: string, addresses: Record<string, string> = {}): ContactSettings => ({
    id,
    name,
    addresses: Object.fromEntries(Object.entries(addresses).map(([m, a]) => [m, { address: a, settings: {} }])),
  });
  const kindName = () => 'Jabber / XMPP';

  it('two people of the same name, whatever the case and spacing, are offered as one, the one with more addresses kept', () => {
    const found = findSuggestions([contact('a', 'Jane  Doe'), contact('b', 'jane doe', { im: 'j@x' }), contact('c', 'John')], [], () => false, kindName);
    expect(found).toEqual([{ id: mergeSuggestionId('a', 'b'), contactId: 'b', name: 'jane doe', other: { kind: 'contact', contactId: 'a' }, why: expect.any(String) }]);
    expect(mergeSuggestionId('b', 'a')).toBe(mergeSuggestionId('a', 'b'));
    expect(nameKey(' JANE doe ')).toBe(nameKey('Jane Doe'));
  });

  it("someone in an account's contact list under a person's name is offered as their address, unless they have one there", () => {
    const offers = [
      { id: 's1', mechanism: 'im', address: 'jane@x', name: 'JANE DOE' },
      { id: 's2', mechanism: 'im', address: 'bob@x', name: 'Bob' },
    ];
    const found = findSuggestions([contact('jane', 'Jane Doe', { sms: '1' }), contact('bob', 'Bob', { im: 'robert@x' })], offers, () => false, kindName);
    expect(found).toEqual([
      expect.objectContaining({ contactId: 'jane', other: { kind: 'address', strangerId: 's1', mechanism: 'im', address: 'jane@x' }, why: expect.stringContaining('Jabber / XMPP') }),
    ]);
    const again = findSuggestions([contact('jane', 'Jane Doe', { sms: '1' })], offers, () => false, kindName);
    expect(again[0]!.id, 'the same id from one computation to the next').toBe(found[0]!.id);
    expect(findSuggestions([contact('jane', 'Jane Doe')], offers, (id) => id === found[0]!.id, kindName)).toEqual([]);
  });
});

function world(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-people-'))) {
  if (!fs.existsSync(path.join(dir, 'settings.json'))) {
    fs.writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        accounts: { im: {}, sms: {} },
        contacts: [
          { id: 'jane', name: 'Jane Doe', addresses: { im: { address: 'jane@example.org', settings: { note: 'kept' } } } },
          { id: 'jane-2', name: 'jane doe', addresses: { im: 'janed@example.org', sms: '+1555' } },
        ],
      }),
    );
  }
  const events = new CoreEvents();
  const settings = new SettingsRepository(confSettingsBackend(dir));
  const db = openDatabase(dir);
  const store = new MessageStore(db);
  let followed = 0;
  const book = new ContactBook({
    settings,
    normalize: rules.normalize,
    presenceOf: () => ({ glyph: 'none' }),
    events,
    addressesChanged: () => followed++,
    idInUse: (id) => store.hasConversation(id),
  });
  const strangers = new StrangerStore(db);
  const newPeople = new NewPeople(strangers, book, store, events);
  const summaries = new ConversationSummaries({ db, isContact: (id) => book.directory.get(id) !== undefined, emit: () => {} });
  events.on('messages:changed', (m) => summaries.message(m));
  const people = new People({ book, rules, store, summaries, strangers, newPeople });
  const told: LinkSuggestion[][] = [];
  const suggestions = new LinkSuggestions({
    contacts: () => book.directory.all(),
    offers: () => strangers.offeredWithName(),
    dismissed: dismissedNotices(dir, 'dismissed-suggestions.json'),
    kindName: () => 'Jabber / XMPP',
    emit: (list) => told.push(list),
  });
  events.on('contacts:changed', () => suggestions.changed());
  events.on('strangers:changed', () => suggestions.changed());
  const lists: ContactView[][] = [];
  events.on('contacts:changed', (l) => lists.push(l));
  let n = 0;
  const received = (contactId: string, body: string): MessageView => {
    const m: MessageView = { id: `m${++n}`, contactId, direction: 'in', body, state: 'received', at: Date.now() + n, priority: 'normal' };
    store.add(m);
    events.emit('messages:changed', m);
    return m;
  };
  const file = () => JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as { contacts: unknown[] };
  return { dir, db, book, store, strangers, people, summaries, suggestions, told, lists, received, file, followed: () => followed };
}

describe('People', () => {
  it('adds a person: saved, listed and followed at once, with their addresses normalized', () => {
    const w = world();
    const view = w.people.save({ name: 'Frank', addresses: { im: ' Frank@Example.org ', sms: '' } });
    expect(view).toEqual({ id: 'frank', name: 'Frank', addresses: [{ mechanism: 'im', kindName: 'Jabber / XMPP', address: 'frank@example.org' }] });
    expect(w.lists.at(-1)!.map((c) => c.name)).toContain('Frank');
    expect(w.followed()).toBe(1);
    expect(w.file().contacts).toContainEqual({ id: 'frank', name: 'Frank', addresses: { im: { address: 'frank@example.org', settings: {} } } });
    expect(w.people.details('frank')).toEqual(view);
  });

  it('changes a name and addresses, keeping the settings of an address left as it was', () => {
    const w = world();
    w.people.save({ contactId: 'jane', name: 'Jane Roe', addresses: { im: 'JANE@example.org', sms: '+1999' } });
    expect(w.book.directory.get('jane')).toEqual({
      id: 'jane',
      name: 'Jane Roe',
      addresses: { im: { address: 'jane@example.org', settings: { note: 'kept' } }, sms: { address: '+1999', settings: {} } },
    });
    w.people.save({ contactId: 'jane', name: 'Jane Roe', addresses: { sms: '' } });
    expect(Object.keys(w.book.directory.get('jane')!.addresses)).toEqual(['im']);
  });

  it('refuses, in words, an account not set up and an address another person has', () => {
    const w = world();
    expect(() => w.people.save({ name: 'Pat', addresses: { pager: '42' } })).toThrow(/no account "pager"/);
    expect(() => w.people.save({ name: 'Pat', addresses: { im: 'Jane@example.org' } })).toThrow(/Jane Doe already has the address .*Merge/);
    expect(() => w.people.details('nobody')).toThrow(/no longer in your contacts/);
  });

  it('someone waiting in New people whose address a person is given: what they wrote joins that conversation', () => {
    const w = world();
    const { stranger } = w.strangers.findOrAdd('im', 'pat@example.org', 'Hi, it is Pat');
    w.store.add({ id: 'p1', contactId: strangerConversation(stranger.id), direction: 'in', body: 'Hi, it is Pat', state: 'received', at: 5, priority: 'normal' });
    const pat = w.people.save({ name: 'Pat', addresses: { im: 'pat@example.org' } });
    expect(w.store.list(pat.id).map((m) => m.body)).toEqual(['Hi, it is Pat']);
    expect(w.strangers.get(stranger.id)).toBeUndefined();
    expect(w.summaries.get(pat.id)).toMatchObject({ preview: 'Hi, it is Pat', unread: 1 });
  });

  it('removes a person but keeps their conversation; someone new of that name does not inherit it', () => {
    const w = world();
    w.received('jane', 'Old times');
    w.people.remove('jane');
    expect(w.book.directory.get('jane')).toBeUndefined();
    expect(w.lists.at(-1)!.map((c) => c.id)).not.toContain('jane');
    expect(w.store.list('jane').map((m) => m.body)).toEqual(['Old times']);
    expect(w.summaries.list().map((s) => s.contactId)).not.toContain('jane');
    const again = w.people.save({ name: 'Jane', addresses: {} });
    expect(again.id).not.toBe('jane');
    expect(w.store.list(again.id)).toEqual([]);
  });

  it("merges two people: the addresses join (the kept one's win), the conversation moves, the other is gone", () => {
    const w = world();
    w.received('jane', 'From Jane');
    w.received('jane-2', 'From jane doe');
    w.summaries.read('jane');
    const merged = w.people.merge('jane', 'jane-2');
    expect(merged.addresses.map((a) => [a.mechanism, a.address])).toEqual([
      ['im', 'jane@example.org'],
      ['sms', '+1555'],
    ]);
    expect(w.book.directory.get('jane-2')).toBeUndefined();
    expect(w.store.list('jane').map((m) => m.body)).toEqual(['From Jane', 'From jane doe']);
    expect(w.summaries.get('jane')).toMatchObject({ preview: 'From jane doe', unread: 1 });
    expect(w.summaries.get('jane-2')).toBeUndefined();
    // What comes to the address that was the other person's now lands in the one conversation.
    expect(w.book.directory.byAddress('sms', '+1555').map((c) => c.id)).toEqual(['jane']);
  });

  it('suggests merging same-named people and linking a roster name; accepting does it; a dismissal stays after a restart', () => {
    const w = world();
    const [same] = w.suggestions.list();
    expect(same).toMatchObject({ contactId: 'jane-2', other: { kind: 'contact', contactId: 'jane' } });
    w.strangers.suggest('im', 'bob@example.org', 'Bob Smith');
    w.strangers.suggest('im', 'bobby@example.org', 'Bobby');
    w.people.save({ name: 'bob smith', addresses: { sms: '+1777' } });
    const link = w.suggestions.list().find((s) => s.other.kind === 'address')!;
    expect(link).toMatchObject({ name: 'bob smith', other: { kind: 'address', mechanism: 'im', address: 'bob@example.org' } });
    expect(w.told.at(-1)).toContainEqual(link);

    const bob = w.people.link(link.contactId, 'im', 'bob@example.org');
    expect(bob.addresses.map((a) => a.address).sort()).toEqual(['+1777', 'bob@example.org']);
    expect(w.strangers.find('im', 'bob@example.org'), 'settled: no longer waiting').toBeUndefined();
    expect(w.suggestions.list().map((s) => s.id)).toEqual([same!.id]);

    w.suggestions.dismiss(same!.id);
    expect(w.suggestions.list()).toEqual([]);
    expect(() => w.suggestions.dismiss(same!.id)).toThrow(/no longer applies/);
    w.db.close();
    expect(world(w.dir).suggestions.list()).toEqual([]);
  });
});

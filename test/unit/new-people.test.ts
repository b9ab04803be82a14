// New people and the contact book, on a real SQLite database and a real settings file: accepting
// someone makes them a contact (saved, shown, followed by the mechanisms) with what they wrote;
// ignoring drops it; a roster of thousands is told to the window once, in a screenful.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContactBook } from '../../core/contacts/book';
import { NewPeople } from '../../core/contacts/new-people';
import { StrangerStore, strangerConversation } from '../../core/contacts/strangers';
import { recentDeliveries } from '../../core/diagnostics';
import { CoreEvents } from '../../core/events';
import { MessageStore } from '../../core/messages/store';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { SettingsRepository } from '../../core/settings/repository';
import { openDatabase } from '../../core/storage/database';
import { NEW_PEOPLE_SHOWN, type ContactView, type NewPeopleView } from '../../shared/domain';

function world() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-people-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im: 'jane@example.org' } }] }));
  const events = new CoreEvents();
  const settings = new SettingsRepository(confSettingsBackend(dir));
  let followed = 0;
  const book = new ContactBook({
    settings,
    normalize: (_m, a) => a.trim().toLowerCase(),
    presenceOf: () => ({ glyph: 'none' }),
    events,
    addressesChanged: () => followed++,
  });
  const db = openDatabase(dir);
  const store = new MessageStore(db);
  const strangers = new StrangerStore(db);
  const people = new NewPeople(strangers, book, store, events);
  const told: NewPeopleView[] = [];
  const lists: ContactView[][] = [];
  events.on('strangers:changed', (v) => told.push(v));
  events.on('contacts:changed', (v) => lists.push(v));
  const wrote = (address: string, body: string) => {
    const { stranger } = strangers.findOrAdd('im', address, body);
    store.add({ id: `m-${address}`, contactId: strangerConversation(stranger.id), direction: 'in', body, state: 'received', at: 1, priority: 'normal' });
    store.flush();
    return stranger.id;
  };
  return { dir, book, store, strangers, people, told, lists, wrote, events, followed: () => followed, file: () => JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) };
}

describe('NewPeople', () => {
  it('accepting someone makes them a contact, saved and followed, with what they wrote', () => {
    const w = world();
    const id = w.wrote('frank@example.org', 'hi, it is Frank');
    const view = w.people.accept(id, 'Frank White');
    expect(view).toEqual({ id: 'frank-white', name: 'Frank White', glyph: 'none' });
    expect(w.file().contacts.map((c: { id: string }) => c.id)).toEqual(['jane', 'frank-white']);
    expect(w.lists.at(-1)!.map((c) => c.name)).toEqual(['Frank White', 'Jane Doe']);
    expect(w.followed()).toBe(1);
    expect(w.book.directory.byAddress('im', ' FRANK@example.org')[0]?.id).toBe('frank-white');
    expect(w.store.page('frank-white', 10).map((m) => m.body)).toEqual(['hi, it is Frank']);
    expect(w.told.at(-1)).toEqual({ people: [], total: 0 });
    expect(() => w.people.accept(id, 'Frank White')).toThrow('That request is no longer open.');
  });

  it('gives a second person of the same name an id of their own', () => {
    const w = world();
    w.people.accept(w.wrote('a@example.org', 'one'), 'Jane Doe');
    w.people.accept(w.wrote('b@example.org', 'two'), 'Jane Doe');
    expect(w.book.directory.all().map((c) => c.id)).toEqual(['jane', 'jane-doe', 'jane-doe-2']);
  });

  it('ignoring someone drops what they wrote, and they cannot be accepted after', () => {
    const w = world();
    const id = w.wrote('spam@example.org', 'buy now');
    w.people.ignore(id);
    expect(w.store.page(strangerConversation(id), 10)).toEqual([]);
    expect(() => w.people.accept(id, 'Spam')).toThrow('That request is no longer open.');
  });

  it('tells a roster of thousands once, a screenful and the total, and never offers a contact', async () => {
    const w = world();
    const told = new Promise<NewPeopleView>((resolve) => w.events.on('strangers:changed', resolve));
    w.people.suggest('im', 'jane@example.org', 'Jane'); // a contact already
    for (let i = 0; i < 2_000; i++) w.people.suggest('im', `person${i}@example.org`, `Person ${i}`);
    const view = await told;
    expect(w.told).toHaveLength(1);
    expect(view.total).toBe(2_000);
    expect(view.people).toHaveLength(NEW_PEOPLE_SHOWN);
    expect(view.people[0]).toMatchObject({ address: 'person0@example.org', name: 'Person 0' });
  });
});

describe('recentDeliveries', () => {
  it('names the contact of each message with its attempts, and one removed since by its id', () => {
    const w = world();
    for (const [id, contactId] of [['m1', 'jane'], ['m2', 'gone']] as const) {
      w.store.add({ id, contactId, direction: 'out', body: 'hello', state: 'sending', at: id === 'm1' ? 1 : 2, priority: 'normal' });
    }
    const attempt = w.store.beginAttempt({ messageId: 'm1', manager: 'sequential', configuration: 'normal', mechanism: 'im' });
    w.store.endAttempt(attempt, 'accepted');
    w.store.flush();
    const entries = recentDeliveries(w.store, w.book.directory, 10);
    expect(entries.map((e) => [e.message.id, e.contactName, e.attempts.map((a) => [a.mechanism, a.outcome])])).toEqual([
      ['m2', 'gone', []],
      ['m1', 'Jane Doe', [['im', 'accepted']]],
    ]);
  });
});

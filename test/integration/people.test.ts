// People, link suggestions and unread, with the real core against a real Prosody and real clients:
// a person added while the app runs shows their presence at once, a merge moves the conversation
// (and where the next message lands), unread follows a real message and the read mark survives a
// restart, and suggestions come from a roster name and from two same-named people, a dismissal kept.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SettingsInput } from '../../shared/settings';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { writeRoster } from '../harness/roster';
import { xmppAccount } from '../harness/xmpp-world';

let server: ProsodyServer;
beforeAll(async () => {
  server = await startProsody({ domain: 'people.switchboard.test' });
});
afterAll(async () => server?.stop());

const account = (me: { jid: string; password: string }) => ({ im1: xmppAccount(server, me) });
const connected = (h: CoreHarness) => h.event('mechanisms:changed', (list) => list.some((m) => m.id === 'im1' && m.state === 'active'));
/** The settings as the core left them, to start it again over the same folder. */
const savedSettings = (h: CoreHarness) => JSON.parse(fs.readFileSync(path.join(h.dir, 'settings.json'), 'utf8')) as SettingsInput;

it('a person added while the app runs shows their presence at once, without a reconnect', async () => {
  const me = server.createAccount('me');
  const frankAccount = server.createAccount('frank');
  const h = startCore({ accounts: account(me), contacts: [] });
  const frank = await startPeer({ service: server.service, domain: server.domain, ...frankAccount });
  try {
    await connected(h);
    const person = await h.call('contacts:save', { name: 'Frank', addresses: { im1: frankAccount.jid.toUpperCase() } });
    expect(person).toEqual({ id: 'frank', name: 'Frank', addresses: [{ mechanism: 'im1', kindName: expect.any(String), address: frankAccount.jid }] });
    expect((await h.call('contacts:list', {})).map((c) => c.name)).toEqual(['Frank']);
    await h.glyphs((glyph) => glyph('frank') === 'available', 15_000);
    // Frank steps away: the change shows too, so the mechanism follows his address now.
    await frank.setShow('away', 'At lunch');
    await h.glyphs((glyph) => glyph('frank') === 'unavailable', 15_000);
    expect(h.logs.filter((l) => /reconnect|connection dropped/.test(l))).toEqual([]);

    // An address on an account that is not set up is refused in words.
    await expect(h.call('contacts:save', { contactId: 'frank', name: 'Frank', addresses: { pager: '+15551234' } })).rejects.toThrow(/no account "pager"/);
  } finally {
    await frank.offline();
    await h.stop();
  }
});

it('merging two people moves the conversation, and the next message from either address lands in it', async () => {
  const me = server.createAccount('me');
  const janeAccount = server.createAccount('jane');
  const janeWorkAccount = server.createAccount('jane.work');
  const h = startCore({
    accounts: account(me),
    contacts: [
      { id: 'jane', name: 'Jane Doe', addresses: { im1: janeAccount.jid } },
      { id: 'jane-work', name: 'Jane (work)', addresses: { pager: '+15550001' } },
    ],
  });
  const jane = await startPeer({ service: server.service, domain: server.domain, ...janeAccount });
  try {
    await connected(h);
    await jane.say(me.jid, 'Hi, this is Jane');
    await h.event('messages:changed', (m) => m.body === 'Hi, this is Jane');
    expect((await h.call('messages:list', { contactId: 'jane' })).map((m) => m.body)).toEqual(['Hi, this is Jane']);

    const merged = await h.call('contacts:merge', { into: 'jane-work', from: 'jane' });
    expect(merged.addresses.map((a) => a.mechanism).sort()).toEqual(['im1', 'pager']);
    expect((await h.call('contacts:list', {})).map((c) => c.id)).toEqual(['jane-work']);
    expect((await h.call('messages:list', { contactId: 'jane-work' })).map((m) => m.body)).toEqual(['Hi, this is Jane']);
    expect(await h.call('conversations:summaries', {})).toEqual([expect.objectContaining({ contactId: 'jane-work', preview: 'Hi, this is Jane', unread: 1 })]);

    await jane.say(me.jid, 'Still me');
    const next = await h.event('messages:changed', (m) => m.body === 'Still me');
    expect(next.contactId).toBe('jane-work');
    await h.event('conversations:changed', (list) => list.some((s) => s.contactId === 'jane-work' && s.unread === 2));
    expect((await h.call('strangers:list', {})).total, 'nobody new: the address is the merged person').toBe(0);
  } finally {
    await jane.offline();
    await h.stop();
  }
});

it("a real message raises unread; reading clears it, and it stays cleared after a restart", async () => {
  const me = server.createAccount('me');
  const bobAccount = server.createAccount('bob');
  const settings: SettingsInput = { accounts: account(me), contacts: [{ id: 'bob', name: 'Bob', addresses: { im1: bobAccount.jid } }] };
  let h = startCore(settings);
  const bob = await startPeer({ service: server.service, domain: server.domain, ...bobAccount });
  try {
    await connected(h);
    expect(await h.call('conversations:summaries', {})).toEqual([]);
    await bob.say(me.jid, 'Lunch today?\nAt noon, the usual place.');
    const raised = await h.event('conversations:changed', (list) => list.some((s) => s.contactId === 'bob' && s.unread === 1));
    expect(raised).toEqual([expect.objectContaining({ contactId: 'bob', preview: 'Lunch today? At noon, the usual place.', lastDirection: 'in', unread: 1 })]);

    // Answering does not raise it: only what comes in counts.
    const sent = await h.call('messages:send', { contactId: 'bob', body: 'Yes!' });
    await bob.receive((b) => b === 'Yes!');
    await h.event('messages:changed', (m) => m.id === sent.id && m.state === 'sent');
    expect(await h.call('conversations:summaries', {})).toEqual([expect.objectContaining({ contactId: 'bob', preview: 'Yes!', lastDirection: 'out', unread: 1 })]);

    await h.call('conversations:read', { contactId: 'bob' });
    await h.event('conversations:changed', (list) => list.some((s) => s.contactId === 'bob' && s.unread === 0));
    await h.stop();

    h = startCore(savedSettings(h), { dir: h.dir });
    expect(await h.call('conversations:summaries', {})).toEqual([expect.objectContaining({ contactId: 'bob', preview: 'Yes!', unread: 0 })]);
    await connected(h);
    await bob.say(me.jid, 'See you there');
    await h.event('conversations:changed', (list) => list.some((s) => s.contactId === 'bob' && s.unread === 1 && s.preview === 'See you there'));
  } finally {
    await bob.offline();
    await h.stop();
  }
});

it('suggestions: a roster entry with a person\'s name and two same-named people; accepting links, a dismissal stays after a restart', async () => {
  const me = server.createAccount('me');
  const annAccount = server.createAccount('ann');
  writeRoster(server, me.jid, [
    { jid: annAccount.jid, name: 'Ann  Lee' },
    { jid: `someone@${server.domain}`, name: 'Someone Else' },
  ]);
  let h = startCore({
    accounts: account(me),
    contacts: [
      { id: 'ann', name: 'ann lee', addresses: { pager: '+15550002' } },
      { id: 'sam', name: 'Sam Roe', addresses: { pager: '+15550003' } },
      { id: 'sam-2', name: 'sam  roe' },
    ],
  });
  const ann = await startPeer({ service: server.service, domain: server.domain, ...annAccount });
  try {
    const told = await h.event('contacts:suggestionsChanged', (list) => list.some((s) => s.other.kind === 'address'));
    const roster = told.find((s) => s.other.kind === 'address')!;
    expect(roster).toMatchObject({ contactId: 'ann', name: 'ann lee', other: { kind: 'address', mechanism: 'im1', address: annAccount.jid } });
    const suggestions = await h.call('contacts:suggestions', {});
    const same = suggestions.find((s) => s.other.kind === 'contact')!;
    expect(same).toMatchObject({ contactId: 'sam', other: { kind: 'contact', contactId: 'sam-2' } });
    expect(suggestions).toHaveLength(2);

    // Accepted: Ann's roster address is hers, she leaves New people, and her presence shows.
    const annPage = await h.call('contacts:acceptSuggestion', { suggestionId: roster.id });
    expect(annPage.addresses.map((a) => a.address).sort()).toEqual(['+15550002', annAccount.jid]);
    expect((await h.call('strangers:list', { limit: 500 })).people.map((p) => p.address)).not.toContain(annAccount.jid);
    await h.glyphs((glyph) => glyph('ann') === 'available', 15_000);

    await h.call('contacts:dismissSuggestion', { suggestionId: same.id });
    expect(await h.call('contacts:suggestions', {})).toEqual([]);
    await h.event('contacts:suggestionsChanged', (list) => list.length === 0);
    await h.stop();

    h = startCore(savedSettings(h), { dir: h.dir });
    await connected(h);
    expect(await h.call('contacts:suggestions', {}), 'the dismissed one stays dismissed').toEqual([]);
    expect((await h.call('contacts:list', {})).map((c) => c.id).sort()).toEqual(['ann', 'sam', 'sam-2']);
  } finally {
    await ann.offline();
    await h.stop();
  }
});

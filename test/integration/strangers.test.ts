// Someone not in the contact list floods the user over a real Prosody, with real clients on both ends:
// what is kept stays within the limits, the request stays, the core keeps answering, and a contact
// writing in the same burst loses nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NEW_PEOPLE_SHOWN, type NewPeopleView } from '../../shared/domain';
import { strangerConversation, strangerLimits } from '../../core/contacts/strangers';
import { startCore } from '../harness/core-harness';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { writeRoster } from '../harness/roster';
import { xmppAccount } from '../harness/xmpp-world';

let server: ProsodyServer;
beforeAll(async () => {
  server = await startProsody({ domain: 'flood.switchboard.test' });
});
afterAll(async () => server?.stop());

it('a stranger sending 300 messages at once: a few kept, the request stays, a contact in the same burst loses nothing', async () => {
  const me = server.createAccount('me');
  const janeAccount = server.createAccount('jane');
  const pestAccount = server.createAccount('pest');
  const h = startCore({
    accounts: { im1: xmppAccount(server, me) },
    contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im1: janeAccount.jid } }],
  });
  const peers: Peer[] = [];
  try {
    peers.push(await startPeer({ service: server.service, domain: server.domain, ...janeAccount }));
    peers.push(await startPeer({ service: server.service, domain: server.domain, ...pestAccount }));
    const [jane, pest] = peers as [Peer, Peer];
    await h.event('mechanisms:changed', (list) => list.some((m) => m.id === 'im1' && m.state === 'active'));

    // 300 messages of about 20 000 characters each (6 MB), with Jane's 30 in the middle of them.
    const padding = 'x'.repeat(19_990);
    await Promise.all([
      ...Array.from({ length: 300 }, (_, i) => pest.say(me.jid, `${String(i).padStart(3, '0')} ${padding}`)),
      ...Array.from({ length: 30 }, (_, i) => jane.say(me.jid, `Jane ${i}`)),
    ]);
    // Once the server has answered the stranger, it has routed the whole flood to us; Jane's next
    // message then reaches us after all of it.
    await pest.ping();
    await jane.say(me.jid, 'Jane: are you there?');
    await h.event('messages:changed', (m) => m.body === 'Jane: are you there?');

    expect((await h.call('messages:list', { contactId: 'jane' })).map((m) => m.body).sort()).toEqual(
      [...Array.from({ length: 30 }, (_, i) => `Jane ${i}`), 'Jane: are you there?'].sort(),
    );
    const requests = (await h.call('strangers:list', {})).people;
    expect(requests).toEqual([expect.objectContaining({ address: pestAccount.jid, suggested: false })]);
    expect(requests[0]!.firstMessage.startsWith('000 ')).toBe(true);
    const kept = await h.call('messages:list', { contactId: strangerConversation(requests[0]!.id) });
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(strangerLimits.messagesPerStranger);
    // The flood is noted in the log once, not once per message.
    expect(h.logs.filter((line) => line.includes(pestAccount.jid))).toHaveLength(1);

    // The core still answers: a message to Jane goes out, and accepting the stranger brings what was kept.
    const sent = await h.call('messages:send', { contactId: 'jane', body: 'Yes, still here' });
    await jane.receive((b) => b === 'Yes, still here');
    await h.event('messages:changed', (m) => m.id === sent.id && m.state === 'sent');
    const contact = await h.call('strangers:accept', { strangerId: requests[0]!.id, name: 'Pest' });
    const conversation = await h.call('messages:list', { contactId: contact.id });
    expect(conversation.map((m) => m.id)).toEqual(kept.map((m) => m.id));
    expect(conversation[0]!.body.startsWith('000 ')).toBe(true);
  } finally {
    await Promise.all(peers.map((p) => p.offline()));
    await h.stop();
  }
});

it('someone accepted as a contact while the app runs shows their presence at once, without a reconnect', async () => {
  const me = server.createAccount('me');
  const newcomerAccount = server.createAccount('newcomer');
  const h = startCore({ accounts: { im1: xmppAccount(server, me) }, contacts: [] });
  const newcomer = await startPeer({ service: server.service, domain: server.domain, ...newcomerAccount });
  try {
    await h.event('mechanisms:changed', (list) => list.some((m) => m.id === 'im1' && m.state === 'active'));
    await newcomer.say(me.jid, 'Hello, it is me');
    const waiting = await h.call('strangers:list', {});
    const [request] = waiting.total ? waiting.people : (await h.event('strangers:changed', (l) => l.total > 0)).people;
    const contact = await h.call('strangers:accept', { strangerId: request!.id, name: 'Newcomer' });
    // The mechanism asks for the new address's presence now (the newcomer's client approves): the glyph follows.
    await h.glyphs((glyph) => glyph(contact.id) === 'available', 10_000);
    expect(h.logs.filter((l) => /reconnect|connection dropped/.test(l))).toEqual([]);
  } finally {
    await newcomer.offline();
    await h.stop();
  }
});

it('an account whose roster holds 2,000 people: all offered as new people, the window sent a screenful and a count, in a few small events', async () => {
  const me = server.createAccount('me');
  const people = Array.from({ length: 2000 }, (_, i) => ({ jid: `person${i}@${server.domain}`, name: `Person ${i}` }));
  writeRoster(server, me.jid, people);
  const h = startCore({ accounts: { im1: xmppAccount(server, me) }, contacts: [] });
  try {
    const last = await h.event('strangers:changed', (list) => list.total === people.length, 30_000);
    expect(last.people, 'a screenful, not two thousand').toHaveLength(NEW_PEOPLE_SHOWN);
    // Every one of them is there, for whoever asks for all.
    const all = await h.call('strangers:list', { limit: 5000 });
    expect(new Set(all.people.map((p) => p.name))).toEqual(new Set(people.map((p) => p.name)));
    const lists = h.seen.filter((e) => e.name === 'strangers:changed').map((e) => e.payload as NewPeopleView);
    // One event per 50 ms while the roster is read, each a screenful at most: a few tens of kB in all.
    expect(lists.length, 'strangers:changed events').toBeLessThan(40);
    expect(Math.max(...lists.map((l) => l.people.length)), 'people in one event').toBeLessThanOrEqual(NEW_PEOPLE_SHOWN);
    // The core still answers at once.
    expect(await h.call('app:state', {})).toBeDefined();
  } finally {
    await h.stop();
  }
});

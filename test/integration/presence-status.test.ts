// The words a person sets beside their presence ("In a meeting"), over real XMPP: they reach the
// contact list with the glyph, follow the person's changes, and go when taken back or when the person
// leaves; the most reachable device's words are the ones shown.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PresenceChange } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { xmppAccount } from '../harness/xmpp-world';

let server: ProsodyServer;
let h: CoreHarness;
let jane: Peer;
let janeAccount: { jid: string; password: string };

beforeAll(async () => {
  server = await startProsody();
  const me = server.createAccount('me');
  janeAccount = server.createAccount('jane');
  h = startCore({
    accounts: { im1: xmppAccount(server, me) },
    contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im1: janeAccount.jid } }],
  });
  jane = await startPeer({ service: server.service, domain: server.domain, ...janeAccount });
  await h.glyphs((glyph) => glyph('jane') === 'available', 20_000);
});
afterAll(async () => {
  await jane?.offline();
  await h?.stop();
  await server?.stop();
});

const change = (match: (c: PresenceChange) => boolean) => h.event('contacts:presence', (list) => list.some((c) => c.id === 'jane' && match(c))).then((list) => list.find((c) => c.id === 'jane')!);

it('shows the words with the glyph, and in the contact list', async () => {
  const shown = change((c) => c.status === 'In a meeting');
  await jane.setShow('dnd', 'In a meeting');
  // Do not disturb is told apart from away, for the conversation header.
  expect(await shown).toEqual({ id: 'jane', glyph: 'unavailable', status: 'In a meeting', away: 'busy' });
  expect((await h.call('contacts:list', {})).find((c) => c.id === 'jane')).toMatchObject({ glyph: 'unavailable', status: 'In a meeting', away: 'busy' });
});

it('a change of words alone is a change; words taken back go', async () => {
  const newWords = change((c) => c.status === 'Back at 3');
  await jane.setShow('dnd', 'Back at 3');
  expect((await newWords).glyph).toBe('unavailable');
  const none = change((c) => c.glyph === 'available' && c.status === undefined);
  await jane.setShow(undefined);
  expect(await none).toEqual({ id: 'jane', glyph: 'available' });
});

it('shows the words of the most reachable device', async () => {
  const phone = await startPeer({ service: server.service, domain: server.domain, ...janeAccount, resource: 'phone' });
  try {
    await jane.setShow('away', 'Away from the desk');
    const fromPhone = change((c) => c.status === 'On the train');
    await phone.setShow(undefined, 'On the train'); // available, with words
    expect(await fromPhone).toEqual({ id: 'jane', glyph: 'available', status: 'On the train' });
    const phoneGone = change((c) => c.status === 'Away from the desk');
    await phone.offline();
    expect(await phoneGone).toEqual({ id: 'jane', glyph: 'unavailable', status: 'Away from the desk', away: 'away' });
  } finally {
    await phone.offline().catch(() => undefined);
  }
});

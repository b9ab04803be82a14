// One copy shown: a message that arrives twice with the same origin-id (XEP-0359), or that crossed two
// routes (two accounts on two real Prosody servers), is kept and shown once in the conversation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';

let im1: ProsodyServer;
let im2: ProsodyServer;
let h: CoreHarness | undefined;
const peers: Peer[] = [];

beforeAll(async () => {
  [im1, im2] = await Promise.all([startProsody({ domain: 'im1.switchboard.test' }), startProsody({ domain: 'im2.switchboard.test' })]);
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.offline()));
  await h?.stop();
  await im1?.stop();
  await im2?.stop();
});

const account = (server: ProsodyServer, prefix: string) => {
  const a = server.createAccount(prefix);
  return { plugin: 'xmpp', jid: a.jid, password: a.password, service: server.service, caFile: server.caFile };
};
async function person(server: ProsodyServer, prefix: string): Promise<Peer> {
  const peer = await startPeer({ service: server.service, domain: server.domain, ...server.createAccount(prefix) });
  peers.push(peer);
  return peer;
}

describe('incoming duplicates', () => {
  it('shows a message once when it comes twice, or over two accounts, with the same origin-id', async () => {
    const mine = { im1: account(im1, 'me'), im2: account(im2, 'me') };
    const [ann1, ann2] = await Promise.all([person(im1, 'ann'), person(im2, 'ann')]);
    h = startCore({ accounts: mine, contacts: [{ id: 'ann', name: 'Ann Lee', addresses: { im1: ann1.jid, im2: ann2.jid } }] });
    const received = (body: string) => h!.event('messages:changed', (m: MessageView) => m.direction === 'in' && m.body === body);
    await h.event('mechanisms:changed', (views) => views.filter((v) => v.state === 'active').length === 2);

    // Her client sends the same message twice (a resend after a lost ack), then over her other account.
    await ann1.say(mine.im1.jid, 'See you at noon', { originId: 'ann-msg-1' });
    await ann1.say(mine.im1.jid, 'See you at noon', { originId: 'ann-msg-1' });
    await ann1.say(mine.im1.jid, 'done on im1');
    await received('done on im1');
    await ann2.say(mine.im2.jid, 'See you at noon', { originId: 'ann-msg-1' });
    await ann2.say(mine.im2.jid, 'done on im2');
    await received('done on im2');
    // Different messages that happen to share a body are not duplicates.
    await ann1.say(mine.im1.jid, 'See you at noon', { originId: 'ann-msg-2' });
    await ann1.say(mine.im1.jid, 'last');
    await received('last');

    const conversation = await h.call('messages:list', { contactId: 'ann' });
    expect(conversation.filter((m) => m.body === 'See you at noon')).toHaveLength(2);
    expect(conversation.map((m) => m.body)).toEqual(['See you at noon', 'done on im1', 'done on im2', 'See you at noon', 'last']);
  });
});

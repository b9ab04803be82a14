// Switchboard closed for a while, then opened: it catches up from the account's archive (XEP-0313
// on a real Prosody and a real ejabberd) with nothing missing and nothing twice. While it was closed Jane
// wrote three messages (her client sends to the user's bare address; the user's phone, a stock
// @xmpp/client, was online and took them) and the user wrote one from the phone; opened again, the
// conversation holds all four, in order, once, beside what was there before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import type { Peer } from '../harness/peer';
import { startEjabberd, type XmppServer } from '../harness/ejabberd';
import { startProsody } from '../harness/prosody';
import { joinPeer, xmppAccount } from '../harness/xmpp-world';

let server: XmppServer;
const peers: Peer[] = [];
const cores: CoreHarness[] = [];

afterAll(async () => {
  await Promise.all(peers.map((p) => p.offline()));
  for (const core of cores) await core.stop().catch(() => undefined);
});

const peer = (account: { jid: string; password: string }, resource?: string): Promise<Peer> => joinPeer(server, peers, account, resource);

const servers: [string, () => Promise<XmppServer>][] = [
  ['Prosody', () => startProsody({ domain: 'archive.switchboard.test' })],
  ['ejabberd', () => startEjabberd({ domain: 'archive.ejabberd.switchboard.test' })],
];

describe.each(servers)('catching up from the archive, on %s', (_name, start) => {
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('after being closed while three messages came and one was sent from elsewhere, shows all four, in order, once', async () => {
    const me = server.createAccount('me');
    const jane = await peer(server.createAccount('jane'));
    const settings = {
      accounts: { im: xmppAccount(server, me) },
      contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im: jane.jid } }],
    };
    const first = startCore(settings);
    cores.push(first);
    const active = (h: CoreHarness) => h.event('mechanisms:changed', (views) => views.some((v) => v.id === 'im' && v.state === 'active'));
    await active(first);
    await jane.say(me.jid, 'Before you closed it', { originId: 'jane-0' });
    await first.event('messages:changed', (m: MessageView) => m.body === 'Before you closed it');
    const sent = await first.call('messages:send', { contactId: 'jane', body: 'Sent by Switchboard', priority: 'normal' });
    await jane.receive((b) => b === 'Sent by Switchboard');
    await first.event('messages:changed', (m: MessageView) => m.id === sent.id && m.state !== 'sending');
    await first.stop();

    // Closed. The phone is the user's only device online now.
    const phone = await peer(me, 'phone');
    for (const [i, body] of ['One while you were away', 'Two while you were away', 'Three while you were away'].entries()) {
      await jane.say(me.jid, body, { originId: `jane-${i + 1}` });
      await phone.receive((b) => b === body);
    }
    await phone.say(jane.jid, 'Answered from my phone', { originId: 'phone-1' });
    await jane.receive((b) => b === 'Answered from my phone');
    await phone.offline();

    const second = startCore(settings, { dir: first.dir });
    cores.push(second);
    await active(second);
    await second.event('messages:changed', (m: MessageView) => m.body === 'Answered from my phone');
    // Jane writes once more, live: it comes after everything caught up.
    await jane.say(me.jid, 'Welcome back', { originId: 'jane-5' });
    await second.event('messages:changed', (m: MessageView) => m.body === 'Welcome back');

    const conversation = await second.call('messages:list', { contactId: 'jane' });
    expect(conversation.map((m) => [m.direction, m.body])).toEqual([
      ['in', 'Before you closed it'],
      ['out', 'Sent by Switchboard'],
      ['in', 'One while you were away'],
      ['in', 'Two while you were away'],
      ['in', 'Three while you were away'],
      ['out', 'Answered from my phone'],
      ['in', 'Welcome back'],
    ]);
    expect(second.logs.some((l) => /caught up \d+ messages from the archive/.test(l))).toBe(true);
  });
});

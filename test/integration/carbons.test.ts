// The user's other devices (XEP-0280 message carbons), on a real Prosody with mod_carbons: a second
// client of the user's own account (a stock @xmpp/client, their "phone") writes to Jane and is written
// to; each message appears once in Jane's one conversation here, what the phone wrote as sent, and
// only the diagnostics say where it was written. A carbon forged by someone else is ignored.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { WRITTEN_ELSEWHERE } from '../../core/messages/inbox';
import type { MessageView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import type { Peer } from '../harness/peer';
import type { XmppServer } from '../harness/ejabberd';
import { startProsody } from '../harness/prosody';
import { joinPeer, xmppAccount } from '../harness/xmpp-world';

let server: XmppServer;
let h: CoreHarness | undefined;
const peers: Peer[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.offline()));
  await h?.stop();
  h = undefined;
});

const peer = (account: { jid: string; password: string }, resource?: string): Promise<Peer> => joinPeer(server, peers, account, resource);

// Prosody only: Debian 12's ejabberd (23.01) ships without mod_carbons.
const servers: [string, () => Promise<XmppServer>][] = [['Prosody', () => startProsody({ domain: 'carbons.switchboard.test' })]];

describe.each(servers)('messages from the user’s other devices, on %s', (_name, start) => {
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('what the phone writes shows as sent, what it receives shows as received, each once, in order', async () => {
    const me = server.createAccount('me');
    const jane = await peer(server.createAccount('jane'));
    h = startCore({
      accounts: { im: xmppAccount(server, me) },
      contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im: jane.jid } }],
    });
    await h.event('mechanisms:changed', (views) => views.some((v) => v.id === 'im' && v.state === 'active'));
    const phone = await peer(me, 'phone');
    const shown = (direction: 'in' | 'out', body: string) => h!.event('messages:changed', (m: MessageView) => m.direction === direction && m.body === body);

    await phone.say(jane.jid, 'Written on my phone', { originId: 'phone-1' });
    await jane.receive((b) => b === 'Written on my phone');
    expect(await shown('out', 'Written on my phone')).toMatchObject({ contactId: 'jane', state: 'sent' });

    // Jane answers the phone itself (its full address): this device sees it too.
    await jane.sendRaw(xml('message', { to: `${me.jid}/phone`, type: 'chat', id: 'jane-1' }, xml('body', {}, 'To your phone'), xml('request', { xmlns: 'urn:xmpp:receipts' })));
    expect(await shown('in', 'To your phone')).toMatchObject({ contactId: 'jane', state: 'received' });

    // Someone else claims, in a carbon of their own making, that the user wrote something: ignored.
    await jane.sendRaw(
      xml(
        'message',
        { to: me.jid, type: 'chat' },
        xml('sent', { xmlns: 'urn:xmpp:carbons:2' }, xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, xml('message', { from: `${me.jid}/phone`, to: jane.jid, type: 'chat' }, xml('body', {}, 'Forged by Jane')))),
      ),
    );
    await jane.say(me.jid, 'To you');
    await shown('in', 'To you');
    await phone.say(jane.jid, 'Last from the phone', { originId: 'phone-2' });
    await shown('out', 'Last from the phone');

    const conversation = await h.call('messages:list', { contactId: 'jane' });
    expect(conversation.map((m) => [m.direction, m.body])).toEqual([
      ['out', 'Written on my phone'],
      ['in', 'To your phone'],
      ['in', 'To you'],
      ['out', 'Last from the phone'],
    ]);
    const diagnostics = await h.call('diagnostics:list', {});
    const written = diagnostics.find((d) => d.message.body === 'Written on my phone')!;
    expect(written.attempts).toEqual([expect.objectContaining({ manager: '', mechanism: 'im', outcome: 'accepted', detail: WRITTEN_ELSEWHERE })]);
  });
});

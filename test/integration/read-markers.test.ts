// Read state follows the user (XEP-0333 chat markers), on a real Prosody with mod_carbons and
// mod_mam: reading a conversation here tells Jane, once, that her message was seen (and nothing when
// the user turned that off); reading it on the user's phone (a second client of their own account, a
// stock @xmpp/client) clears the unread here, live by a carbon and, when Switchboard was closed, from
// the archive.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import type { SettingsInput } from '../../shared/settings';
import { startCore, type CoreHarness } from '../harness/core-harness';
import type { Peer } from '../harness/peer';
import type { XmppServer } from '../harness/ejabberd';
import { startProsody } from '../harness/prosody';
import { joinPeer, xmppAccount } from '../harness/xmpp-world';

let server: XmppServer;
const cores: CoreHarness[] = [];
const peers: Peer[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.offline()));
  for (const core of cores.splice(0)) await core.stop().catch(() => undefined);
});

const peer = (account: { jid: string; password: string }, resource?: string): Promise<Peer> => joinPeer(server, peers, account, resource);

function core(settings: SettingsInput, dir?: string): CoreHarness {
  const h = startCore(settings, dir ? { dir } : {});
  cores.push(h);
  return h;
}

const active = (h: CoreHarness) => h.event('mechanisms:changed', (views) => views.some((v) => v.id === 'im' && v.state === 'active'));
const unread = (h: CoreHarness, count: number) => h.event('conversations:changed', (list) => list.some((s) => s.contactId === 'jane' && s.unread === count));

/** The user's account and Jane, a contact, with Switchboard signed in. */
async function world(profile: SettingsInput['profile'] = {}) {
  const me = server.createAccount('me');
  const jane = await peer(server.createAccount('jane'));
  const settings: SettingsInput = {
    profile,
    accounts: { im: xmppAccount(server, me) },
    contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im: jane.jid } }],
  };
  const h = core(settings);
  await active(h);
  return { me, jane, settings, h };
}

describe('read markers, on Prosody', () => {
  beforeAll(async () => {
    server = await startProsody({ domain: 'markers.switchboard.test' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reading here tells Jane once that her newest message was seen', async () => {
    const { me, jane, h } = await world();
    await jane.say(me.jid, 'Are you coming?', { id: 'jane-1', markable: true });
    await jane.say(me.jid, 'Tonight, I mean', { id: 'jane-2', markable: true });
    await unread(h, 2);

    await h.call('conversations:read', { contactId: 'jane' });
    const marker = await jane.receiveDisplayed(() => true);
    expect(marker).toMatchObject({ id: 'jane-2' });
    expect(marker.from.split('/')[0]).toBe(me.jid);

    // Read again, then a message goes the same way: a second marker would have come before it.
    await h.call('conversations:read', { contactId: 'jane' });
    await h.call('messages:send', { contactId: 'jane', body: 'Yes, see you', priority: 'normal' });
    await jane.receive((b) => b === 'Yes, see you');
    expect(jane.displayed).toEqual([marker]);
  });

  it('with read markers turned off, reading tells Jane nothing', async () => {
    const { me, jane, h } = await world({ sendReadMarkers: false });
    await jane.say(me.jid, 'Did you read this?', { id: 'jane-3', markable: true });
    await unread(h, 1);

    await h.call('conversations:read', { contactId: 'jane' });
    await unread(h, 0);
    await h.call('messages:send', { contactId: 'jane', body: 'Maybe', priority: 'normal' });
    await jane.receive((b) => b === 'Maybe');
    expect(jane.displayed).toEqual([]);
  });

  it('reading on the phone clears the unread here', async () => {
    const { me, jane, h } = await world();
    const phone = await peer(me, 'phone');
    await phone.ping(); // its presence has been handled: the server hands it Jane's messages too
    await jane.say(me.jid, 'Call me', { id: 'jane-4', markable: true });
    await jane.say(me.jid, 'When you can', { id: 'jane-5', markable: true });
    await unread(h, 2);
    await phone.receive((b) => b === 'When you can');

    // The phone read the first only: one stays unread here.
    await phone.markDisplayed(jane.jid, 'jane-4');
    await unread(h, 1);
    await phone.markDisplayed(jane.jid, 'jane-5');
    await unread(h, 0);
    expect(await h.call('conversations:summaries', {})).toEqual([expect.objectContaining({ contactId: 'jane', unread: 0, preview: 'When you can' })]);

    // The phone told Jane already: reading here sends her nothing more.
    await h.call('conversations:read', { contactId: 'jane' });
    await h.call('messages:send', { contactId: 'jane', body: 'Calling now', priority: 'normal' });
    await jane.receive((b) => b === 'Calling now');
    expect(jane.displayed.map((d) => d.id)).toEqual(['jane-4', 'jane-5']);
  });

  it('what the phone read while Switchboard was closed is read when it opens (from the archive)', async () => {
    const { me, jane, settings, h } = await world();
    await jane.say(me.jid, 'Before you closed it', { id: 'jane-6', markable: true });
    await unread(h, 1);
    cores.splice(cores.indexOf(h), 1);
    await h.stop();

    const phone = await peer(me, 'phone');
    await phone.ping();
    await jane.say(me.jid, 'While you were away', { id: 'jane-7', markable: true });
    await phone.receive((b) => b === 'While you were away');
    await phone.markDisplayed(jane.jid, 'jane-7');
    await jane.receiveDisplayed((d) => d.id === 'jane-7');
    await phone.offline();

    const again = core(settings, h.dir);
    await again.event('messages:changed', (m: MessageView) => m.body === 'While you were away');
    await unread(again, 0);
    expect((await again.call('conversations:summaries', {}))[0]).toMatchObject({ contactId: 'jane', unread: 0, preview: 'While you were away' });
  });
});

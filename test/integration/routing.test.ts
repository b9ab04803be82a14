// The routing engine over real XMPP servers: two Prosody servers stand for the patent's "IM protocol 1"
// and "IM protocol 2"; a third mechanism called "pager" is an XMPP account on the first server,
// standing in for the SMS/pager gateway until that mechanism exists. The people on the other end are
// real XMPP clients. A TCP proxy between Switchboard and a server holds its bytes where a test needs a
// mechanism that is reconnecting, or a server's acknowledgement that comes late.
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import type { SettingsInput } from '../../shared/settings';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';

let im1: ProsodyServer;
let im2: ProsodyServer;
const running: { stop(): Promise<void> }[] = [];
const proxies: TcpProxy[] = [];
const peers: Peer[] = [];

beforeAll(async () => {
  [im1, im2] = await Promise.all([startProsody({ domain: 'im1.switchboard.test' }), startProsody({ domain: 'im2.switchboard.test' })]);
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.offline()));
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await im1?.stop();
  await im2?.stop();
});

type Server = ProsodyServer;
const account = (server: Server, prefix: string) => {
  const a = server.createAccount(prefix);
  return { plugin: 'xmpp', jid: a.jid, password: a.password, service: server.service, caFile: server.caFile };
};
/** The user's own accounts: one per mechanism. */
const myAccounts = () => ({ im1: account(im1, 'me'), im2: account(im2, 'me'), pager: account(im1, 'mypager') });
/** A person's account on a server, and a real client for them. */
async function person(server: Server, prefix: string, options: { online?: boolean; show?: 'away' | 'dnd' | 'xa' } = {}) {
  const a = server.createAccount(prefix);
  let peer: Peer | undefined;
  if (options.online !== false) {
    peer = await startPeer({ service: server.service, domain: server.domain, ...a });
    peers.push(peer);
    if (options.show) await peer.setShow(options.show);
  }
  return { jid: a.jid, password: a.password, peer };
}
function core(settings: SettingsInput, options?: Parameters<typeof startCore>[1]): CoreHarness {
  const h = startCore(settings, options);
  running.push(h);
  return h;
}
const finished = (h: CoreHarness, id: string) => h.event('messages:changed', (m: MessageView) => m.id === id && m.state !== 'sending' && m.state !== 'waiting');
/** A proxy in front of a server: what passes through it can be held, released or cut. */
async function proxyTo(server: Server): Promise<TcpProxy> {
  const p = await startTcpProxy(server.port);
  proxies.push(p);
  return p;
}
const through = (server: Server, prefix: string, p: TcpProxy) => ({ ...account(server, prefix), service: `xmpp://127.0.0.1:${p.port}` });
const attemptsOf = async (h: CoreHarness, id: string) =>
  (await h.call('diagnostics:list', { limit: 50 })).find((e) => e.message.id === id)!.attempts.map((a) => `${a.mechanism}:${a.outcome}${a.detail ? ` (${a.detail})` : ''}`);

describe("the patent's worked example: John Smith (IM protocol 2, e-mail, pager)", () => {
  async function world() {
    const johnIm = await person(im2, 'john'); // online, but his client sends no receipts
    const johnPager = await person(im1, 'johnpager');
    johnPager.peer!.receipts = true; // a pager gateway reports delivery to the device
    const h = core({
      accounts: myAccounts(),
      contacts: [{ id: 'john', name: 'John Smith', addresses: { im2: johnIm.jid, email: 'john.smith@example.org', pager: johnPager.jid } }],
      delivery: {
        // Normal lists IM protocol 2 then the pager, not e-mail; paging asks the sender first.
        managers: { escalating: { configurations: { Normal: [{ mechanism: 'im2', verify: { receiptWithinSeconds: 2 } }, { mechanism: 'pager', ask: true }] } } },
        rules: [{ manager: 'escalating' }],
      },
    });
    return { h, johnIm: johnIm.peer!, johnPager: johnPager.peer! };
  }

  it('goes by IM first and, when that fails, by pager after the sender says yes', async () => {
    const { h, johnIm, johnPager } = await world();
    const sent = await h.call('messages:send', { contactId: 'john', body: 'Call me about the contract' });
    expect(sent).toMatchObject({ state: 'sending', manager: 'escalating', configuration: 'Normal' });
    const onIm = await johnIm.receive((b) => b === 'Call me about the contract');
    expect(onIm.originId).toBe(sent.id);

    const prompt = await h.event('delivery:prompted', (p) => p.messageId === sent.id);
    expect(prompt.question).toContain('John Smith');
    expect(prompt.question).toContain('not urgent');
    expect(prompt.question).not.toMatch(/pager|im2|xmpp|page/i);
    expect(johnPager.received).toEqual([]); // nothing is paged before the sender says yes
    await h.call('delivery:answer', { promptId: prompt.id, send: true });

    await johnPager.receive((b) => b === 'Call me about the contract');
    expect((await finished(h, sent.id)).state).toBe('delivered');
    expect(await attemptsOf(h, sent.id)).toEqual(['im2:accepted (accepted, but no delivery receipt within 2 s)', 'pager:delivered']);
    expect(h.notified).toEqual([]);
  });

  it('ends as declined when the sender says no, and tells them in the window and by notification', async () => {
    const { h, johnPager } = await world();
    const sent = await h.call('messages:send', { contactId: 'john', body: 'Only if it is easy', priority: 'urgent' });
    const prompt = await h.event('delivery:prompted', (p) => p.messageId === sent.id);
    expect(prompt.question).toContain('urgent');
    await h.call('delivery:answer', { promptId: prompt.id, send: false });
    const failed = await finished(h, sent.id);
    expect(failed).toMatchObject({ state: 'failed', failure: 'Not delivered: you chose not to try another way of reaching John Smith.' });
    expect(await h.event('delivery:failed', (f) => f.messageId === sent.id)).toMatchObject({ contactName: 'John Smith' });
    expect(h.notified).toEqual([expect.objectContaining({ messageId: sent.id, contactId: 'john' })]);
    expect(johnPager.received).toEqual([]);
    await expect(h.call('delivery:answer', { promptId: prompt.id, send: true })).rejects.toThrow(/not-found/);
  });

  it('ends as delivered when John replies while the sender is being asked: the question is withdrawn, nothing is paged', async () => {
    const { h, johnIm, johnPager } = await world();
    const sent = await h.call('messages:send', { contactId: 'john', body: 'Can you call me?' });
    await johnIm.receive((b) => b === 'Can you call me?');
    const prompt = await h.event('delivery:prompted', (p) => p.messageId === sent.id);
    await johnIm.say(myAccountsOf(h).im2!, 'Calling you in five');
    // The question goes away by itself: nobody is asked about someone who has answered.
    await h.event('delivery:answered', (a) => a.promptId === prompt.id);
    expect(await finished(h, sent.id)).toMatchObject({ state: 'delivered' });
    expect((await h.call('messages:list', { contactId: 'john' })).find((m) => m.id === sent.id)).not.toHaveProperty('failure');
    expect(await h.call('delivery:prompts', {})).toEqual([]);
    expect(h.seen.filter((e) => e.name === 'delivery:failed')).toEqual([]);
    expect(h.notified).toEqual([]);
    await expect(h.call('delivery:answer', { promptId: prompt.id, send: true })).rejects.toThrow(/not-found/);
    expect(johnPager.received).toEqual([]);
  });

  it('a receipt that comes after the sender declined moves the message to delivered and takes the failure back', async () => {
    const { h, johnIm } = await world();
    const sent = await h.call('messages:send', { contactId: 'john', body: 'Dinner at eight' });
    const onIm = await johnIm.receive((b) => b === 'Dinner at eight');
    const prompt = await h.event('delivery:prompted', (p) => p.messageId === sent.id);
    await h.call('delivery:answer', { promptId: prompt.id, send: false });
    expect(await finished(h, sent.id)).toMatchObject({ state: 'failed' });
    expect(h.notified).toHaveLength(1);
    // John's phone wakes up and confirms the copy it had all along.
    await johnIm.confirm(myAccountsOf(h).im2!, onIm.originId!);
    const later = await h.event('messages:changed', (m) => m.id === sent.id && m.state === 'delivered');
    expect(later).not.toHaveProperty('failure');
    expect(await h.event('delivery:withdrawn', (w) => w.messageId === sent.id)).toEqual({ messageId: sent.id, contactId: 'john' });
  });
});

describe('routing over real servers', () => {
  it('presence-first sends only where the recipient is available (Jane away on IM 1, available on IM 2)', async () => {
    const janeAway = await person(im1, 'jane', { show: 'away' });
    const janeHere = await person(im2, 'jane', { online: false });
    const h = core({ accounts: myAccounts(), contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im1: janeAway.jid, im2: janeHere.jid } }] });
    await h.glyphs((glyph) => glyph('jane') === 'unavailable');
    janeHere.peer = await startPeer({ service: im2.service, domain: im2.domain, jid: janeHere.jid, password: janeHere.password });
    peers.push(janeHere.peer);
    await h.glyphs((glyph) => glyph('jane') === 'available');
    const sent = await h.call('messages:send', { contactId: 'jane', body: 'Are you there?', manager: 'presence-first' });
    await janeHere.peer!.receive((b) => b === 'Are you there?');
    expect((await finished(h, sent.id)).state).toBe('sent');
    expect(await attemptsOf(h, sent.id)).toEqual(['im1:skipped (the recipient is shown away there)', 'im2:accepted']);
    expect(janeAway.peer!.received).toEqual([]);
  });

  it('leaves a mechanism that goes down mid-delivery out of the remaining steps', async () => {
    const frank1 = await person(im1, 'frank');
    const frank2 = await person(im2, 'frank');
    const frankPager = await person(im1, 'frankpager');
    frankPager.peer!.receipts = true;
    const h = core({
      accounts: myAccounts(),
      contacts: [{ id: 'frank', name: 'Frank White', addresses: { im1: frank1.jid, im2: frank2.jid, pager: frankPager.jid } }],
      delivery: { managers: { escalating: { configurations: { Normal: [{ mechanism: 'im1', verify: { receiptWithinSeconds: 3 } }, 'im2', 'pager'] } } }, rules: [{ manager: 'escalating' }] },
    });
    await h.glyphs((glyph) => glyph('frank') === 'available');
    const sent = await h.call('messages:send', { contactId: 'frank', body: 'Where are you?' });
    await frank1.peer!.receive((b) => b === 'Where are you?');
    await im2.kill(); // IM protocol 2 goes down while Switchboard waits for a receipt on IM 1
    try {
      await frankPager.peer!.receive((b) => b === 'Where are you?');
      expect((await finished(h, sent.id)).state).toBe('delivered');
      expect(await attemptsOf(h, sent.id)).toEqual(['im1:accepted (accepted, but no delivery receipt within 3 s)', 'pager:delivered']);
    } finally {
      peers.splice(peers.indexOf(frank2.peer!), 1);
      await im2.start();
    }
  });

  it('stops attempting once the message expires', async () => {
    const pam = await person(im1, 'pamela');
    const pamPager = await person(im1, 'pamelapager');
    const h = core({
      accounts: myAccounts(),
      contacts: [{ id: 'pamela', name: 'Pamela White', addresses: { im1: pam.jid, pager: pamPager.jid } }],
      delivery: { managers: { escalating: { configurations: { Normal: [{ mechanism: 'im1', verify: { receiptWithinSeconds: 60 } }, 'pager'] } } }, rules: [{ manager: 'escalating' }] },
    });
    // Connected first (and with stream management on, which comes before her presence): the 2 s are for the receipt wait.
    await h.glyphs((glyph) => glyph('pamela') === 'available');
    const sent = await h.call('messages:send', { contactId: 'pamela', body: 'Lunch in 2 seconds?', expiresInSeconds: 2 });
    expect(sent.expiresAt).toBeGreaterThan(Date.now());
    await pam.peer!.receive((b) => b.startsWith('Lunch'));
    expect(await finished(h, sent.id)).toMatchObject({ state: 'failed', failure: 'Not delivered: the message expired before Pamela White could be reached.' });
    expect(h.notified).toHaveLength(1);
    expect(pamPager.peer!.received).toEqual([]);
    // The server's acknowledgement may come before the expiry or, on a busy machine, after it: either
    // way the attempt ends accepted, never left pending (the late case has a test of its own below).
    await h.event('diagnostics:attempt', (a) => a.messageId === sent.id && a.outcome === 'accepted');
    expect(await attemptsOf(h, sent.id)).toEqual([
      expect.stringMatching(/^im1:accepted \((accepted, but the message expired before a delivery receipt came|accepted after the delivery ended)\)$/),
    ]);

    // Retry lifts the passed expiry and starts again; a mechanism that already accepted is not sent it twice.
    await h.call('messages:retry', { messageId: sent.id });
    await pam.peer!.confirm(myAccountsOf(h).im1!, sent.id);
    await h.event('messages:changed', (m) => m.id === sent.id && m.state === 'delivered');
    expect(pam.peer!.received.filter((m) => m.originId === sent.id)).toHaveLength(1);
  });

  it('fails when every step fails, and asks for a notification', async () => {
    const gone1 = await person(im1, 'gone', { online: false });
    const gone2 = await person(im2, 'gone', { online: false });
    const h = core({
      accounts: myAccounts(),
      contacts: [{ id: 'gone', name: 'Gone Girl', addresses: { im1: gone1.jid, im2: gone2.jid } }],
      delivery: { managers: { sequential: { configurations: { Normal: [{ mechanism: 'im1', verify: 'available' }, { mechanism: 'im2', verify: 'available' }] } } } },
    });
    const sent = await h.call('messages:send', { contactId: 'gone', body: 'Hello?' });
    expect(await finished(h, sent.id)).toMatchObject({ state: 'failed', failure: 'Gone Girl could not be reached: every way of reaching them failed.' });
    expect(h.notified).toEqual([{ messageId: sent.id, contactId: 'gone', contactName: 'Gone Girl', reason: 'Gone Girl could not be reached: every way of reaching them failed.' }]);
    expect(await attemptsOf(h, sent.id)).toEqual(['im1:failed (the recipient is not shown available there)', 'im2:failed (the recipient is not shown available there)']);
  });

  it('broadcast sends on every mechanism at once with one stable id', async () => {
    const a = await person(im1, 'jerry');
    const b = await person(im2, 'jerry');
    const h = core({ accounts: myAccounts(), contacts: [{ id: 'jerry', name: 'Jerry Jones', addresses: { im1: a.jid, im2: b.jid } }] });
    const sent = await h.call('messages:send', { contactId: 'jerry', body: 'Fire drill at 3', manager: 'broadcast' });
    const [gotA, gotB] = await Promise.all([a.peer!.receive((x) => x === 'Fire drill at 3'), b.peer!.receive((x) => x === 'Fire drill at 3')]);
    expect(gotA.originId).toBe(sent.id);
    expect(gotB.originId).toBe(sent.id);
    expect((await finished(h, sent.id)).state).toBe('sent');
  });

  it('sends one message to several people, each copy in its own conversation and delivered on its own', async () => {
    const jerry = await person(im1, 'jerry');
    const jane = await person(im2, 'jane');
    const h = core({
      accounts: myAccounts(),
      contacts: [
        { id: 'jerry', name: 'Jerry Jones', addresses: { im1: jerry.jid } },
        { id: 'jane', name: 'Jane Doe', addresses: { im2: jane.jid } },
      ],
    });
    await expect(h.call('messages:sendMany', { contactIds: ['jerry', 'nobody'], body: 'x' })).rejects.toThrow(/not-found: There is no contact nobody/);
    const sent = await h.call('messages:sendMany', { contactIds: ['jerry', 'jane', 'jerry'], body: 'Team lunch at one' });
    expect(sent.map((m) => m.contactId)).toEqual(['jerry', 'jane']);
    expect(new Set(sent.map((m) => m.id)).size).toBe(2);
    await Promise.all([jerry.peer!.receive((b) => b === 'Team lunch at one'), jane.peer!.receive((b) => b === 'Team lunch at one')]);
    for (const m of sent) expect((await finished(h, m.id)).state).toBe('sent');
    expect((await h.call('messages:list', { contactId: 'jane' })).map((m) => m.body)).toEqual(['Team lunch at one']);
  });

  it('upgrades a sent message to delivered when the device confirms it', async () => {
    const jerry = await person(im1, 'jerry');
    jerry.peer!.receipts = true;
    const h = core({ accounts: myAccounts(), contacts: [{ id: 'jerry', name: 'Jerry Jones', addresses: { im1: jerry.jid } }] });
    const sent = await h.call('messages:send', { contactId: 'jerry', body: 'Receipt please' });
    await h.event('messages:changed', (m) => m.id === sent.id && m.state === 'delivered');
  });
});

describe('waiting instead of failing', () => {
  /** Sam is reached only over an account whose network holds every byte: that mechanism stays connecting. */
  async function heldWorld(delivery: SettingsInput['delivery'] = {}) {
    const sam = await person(im1, 'sam');
    const net = await proxyTo(im1);
    net.hold();
    const h = core(
      { accounts: { im1: through(im1, 'me', net) }, contacts: [{ id: 'sam', name: 'Sam Green', addresses: { im1: sam.jid } }], delivery },
      { settleMs: 100 },
    );
    return { h, net, sam: sam.peer! };
  }

  it('a message whose only way is reconnecting waits, says nothing failed, and goes once the way is back', async () => {
    const { h, net, sam } = await heldWorld();
    const sent = await h.call('messages:send', { contactId: 'sam', body: 'When you are back online' });
    await h.event('messages:changed', (m) => m.id === sent.id && m.state === 'waiting');
    expect((await h.call('mechanisms:list', {})).find((m) => m.id === 'im1')?.state).toBe('connecting');
    expect(await attemptsOf(h, sent.id)).toEqual([]);
    net.release();
    await sam.receive((b) => b === 'When you are back online');
    expect(await finished(h, sent.id)).toMatchObject({ state: 'sent' });
    expect(sam.received.filter((m) => m.originId === sent.id)).toHaveLength(1);
    expect(h.seen.filter((e) => e.name === 'delivery:failed')).toEqual([]);
    expect(h.notified).toEqual([]);
  });

  it('goes at once by the next way that is active when the first one is reconnecting', async () => {
    const sam = await person(im1, 'sam');
    const samPager = await person(im1, 'sampager');
    const net = await proxyTo(im1);
    const h = core(
      {
        accounts: { im1: through(im1, 'me', net), pager: account(im1, 'mypager') },
        contacts: [{ id: 'sam', name: 'Sam Green', addresses: { im1: sam.jid, pager: samPager.jid } }],
        delivery: { managers: { sequential: { configurations: { Normal: ['im1', 'pager'] } } }, rules: [{ manager: 'sequential' }] },
      },
      // Long enough that a delivery which sat out IM's reconnection would not reach the pager in time.
      { settleMs: 120_000 },
    );
    await waitActive(h, 'im1');
    await waitActive(h, 'pager');
    const earlier = new Set(h.seen.map((e) => e.payload));
    net.hold();
    net.cut();
    await h.event('mechanisms:changed', (list) => !earlier.has(list) && list.some((m) => m.id === 'im1' && m.state === 'connecting'));
    const sent = await h.call('messages:send', { contactId: 'sam', body: 'Either way is fine' });
    await samPager.peer!.receive((b) => b === 'Either way is fine');
    expect(await finished(h, sent.id)).toMatchObject({ state: 'sent' });
    expect(h.seen.some((e) => e.name === 'messages:changed' && (e.payload as MessageView).id === sent.id && (e.payload as MessageView).state === 'waiting')).toBe(false);
    expect(await attemptsOf(h, sent.id)).toEqual(['pager:accepted']);
    expect(sam.peer!.received).toEqual([]);
  });

  it('a message without expiry that waits long tells the sender once, and Cancel ends it as not delivered', async () => {
    // 0.005 minutes: the notice comes after 300 ms instead of the default 10 minutes.
    const { h, sam } = await heldWorld({ waitNoticeMinutes: 0.005 });
    const sent = await h.call('messages:send', { contactId: 'sam', body: 'No hurry' });
    const notice = await h.event('delivery:stillTrying', (n) => n.messageId === sent.id);
    expect(notice).toEqual({ messageId: sent.id, contactId: 'sam', contactName: 'Sam Green', reason: 'Not delivered yet to Sam Green: no way of reaching them is connected. Still trying.' });
    expect((await h.call('messages:list', { contactId: 'sam' }))[0]).toMatchObject({ id: sent.id, state: 'waiting' });
    const cancelled = await h.call('messages:cancel', { messageId: sent.id });
    expect(cancelled).toMatchObject({ state: 'failed', failure: 'Not delivered: you cancelled it.' });
    expect(h.seen.filter((e) => e.name === 'delivery:stillTrying')).toHaveLength(1);
    expect(h.notified).toEqual([]); // the sender cancelled it: nothing to tell them
    expect(sam.received).toEqual([]);
  });

  it('an acknowledgement held past the expiry, then released, ends the message sent, not "Not delivered"', async () => {
    const pam = await person(im1, 'pamela');
    const net = await proxyTo(im1);
    const h = core({
      accounts: { im1: through(im1, 'me', net) },
      contacts: [{ id: 'pamela', name: 'Pamela White', addresses: { im1: pam.jid } }],
      delivery: { managers: { sequential: { configurations: { Normal: ['im1'] } } }, rules: [{ manager: 'sequential' }] },
    });
    // Her presence comes once the session is fully set up (stream management on): sends are acknowledged from then.
    await h.glyphs((glyph) => glyph('pamela') === 'available');
    // The network holds the next message on its way: the server cannot acknowledge it before the expiry.
    net.hold();
    const sent = await h.call('messages:send', { contactId: 'pamela', body: 'Coffee in 2 seconds?', expiresInSeconds: 2 });
    await once(net, 'held');
    expect(await finished(h, sent.id)).toMatchObject({ state: 'failed', failure: 'Not delivered: the message expired before Pamela White could be reached.' });
    // The delivery is over: no attempt of it is left pending, its fate is said to be unknown.
    expect(await attemptsOf(h, sent.id)).toEqual(['im1:expired (the delivery ended before the server answered)']);
    net.release();
    await pam.peer!.receive((b) => b === 'Coffee in 2 seconds?');
    const later = await h.event('messages:changed', (m) => m.id === sent.id && m.state === 'sent');
    expect(later).not.toHaveProperty('failure');
    await h.event('delivery:withdrawn', (w) => w.messageId === sent.id);
    expect(await attemptsOf(h, sent.id)).toEqual(['im1:accepted (accepted after the delivery ended)']);
  });
});

describe('incoming messages', () => {
  it('land in the one conversation of a known contact, whatever the mechanism', async () => {
    const a = await person(im1, 'jerry');
    const b = await person(im2, 'jerry');
    const h = core({ accounts: myAccounts(), contacts: [{ id: 'jerry', name: 'Jerry Jones', addresses: { im1: a.jid, im2: b.jid } }] });
    await h.glyphs((glyph) => glyph('jerry') === 'available');
    const me = myAccountsOf(h);
    await a.peer!.say(me.im1!, 'hello from the first system');
    await b.peer!.say(me.im2!, 'and from the second');
    await h.event('messages:changed', (m) => m.body === 'and from the second');
    await h.event('messages:changed', (m) => m.body === 'hello from the first system');
    expect((await h.call('messages:list', { contactId: 'jerry' })).map((m) => m.body).sort()).toEqual(['and from the second', 'hello from the first system']);
  });

  it('from an unknown address, wait as a request to accept or ignore', async () => {
    const stranger = await person(im1, 'pamela');
    const pest = await person(im1, 'pest');
    const h = core({ accounts: myAccounts(), contacts: [] });
    const me = myAccountsOf(h);
    await waitActive(h); // our mechanism must be connected before they can write to us
    await stranger.peer!.say(me.im1!, 'Hi, it is Pamela from the conference');
    await pest.peer!.say(me.im1!, 'Buy now');
    const requests = (await h.event('strangers:changed', (list) => list.total === 2)).people;
    const pamela = requests.find((r) => r.firstMessage.startsWith('Hi, it is Pamela'))!;
    expect(pamela.address).toBe(stranger.jid);
    const contact = await h.call('strangers:accept', { strangerId: pamela.id, name: 'Pamela White' });
    expect(contact).toMatchObject({ name: 'Pamela White' });
    expect((await h.call('contacts:list', {})).map((c) => c.name)).toEqual(['Pamela White']);
    expect((await h.call('messages:list', { contactId: contact.id })).map((m) => m.body)).toEqual(['Hi, it is Pamela from the conference']);
    const saved = JSON.parse(fs.readFileSync(path.join(h.dir, 'settings.json'), 'utf8'));
    expect(saved.contacts[0]).toMatchObject({ name: 'Pamela White', addresses: { im1: { address: stranger.jid } } });

    const spam = (await h.call('strangers:list', {})).people.find((r) => r.firstMessage === 'Buy now')!;
    await h.call('strangers:ignore', { strangerId: spam.id });
    expect(await h.call('strangers:list', {})).toEqual({ people: [], total: 0 });
    await pest.peer!.say(me.im1!, 'Buy now!!');
    await stranger.peer!.say(me.im1!, 'Thanks for adding me');
    await h.event('messages:changed', (m) => m.body === 'Thanks for adding me');
    expect(h.seen.some((e) => e.name === 'messages:changed' && (e.payload as MessageView).body === 'Buy now!!')).toBe(false);
  });
});

describe('roster import', () => {
  it('offers the people of an account’s own contact list as contacts, once, leaving out known ones', async () => {
    const accounts = myAccounts();
    const known = await person(im1, 'jerry', { online: false });
    const other = im1.createAccount('pamela');
    // The user's own XMPP account already lists Pamela (named) and Jerry on the server.
    const myself = await startPeer({ service: im1.service, domain: im1.domain, jid: accounts.im1.jid, password: accounts.im1.password });
    await myself.addToRoster(other.jid, 'Pamela W.');
    await myself.addToRoster(known.jid, 'Jerry');
    await myself.offline();
    const h = core({ accounts, contacts: [{ id: 'jerry', name: 'Jerry Jones', addresses: { im1: known.jid } }] });
    const offered = (await h.event('strangers:changed', (list) => list.people.some((s) => s.address === other.jid))).people;
    expect(offered).toEqual([{ id: expect.any(String), address: other.jid, firstMessage: '', at: expect.any(Number), suggested: true, name: 'Pamela W.' }]);
    const contact = await h.call('strangers:accept', { strangerId: offered[0]!.id, name: 'Pamela White' });
    expect((await h.call('contacts:list', {})).map((c) => c.name)).toEqual(['Jerry Jones', 'Pamela White']);
    expect(contact.name).toBe('Pamela White');
  });
});

describe('delivery managers dropped into the plugin folder', () => {
  it('are loaded, used, and removed while the app runs; a broken one is reported', async () => {
    const jerry = await person(im1, 'jerry');
    const jerryPager = await person(im1, 'jerrypager');
    const h = core({ accounts: myAccounts(), contacts: [{ id: 'jerry', name: 'Jerry Jones', addresses: { im1: jerry.jid, pager: jerryPager.jid } }] });
    const folder = path.join(h.dir, 'delivery-managers');
    const plugin = path.join(folder, 'last-resort');
    fs.mkdirSync(plugin, { recursive: true });
    fs.writeFileSync(path.join(plugin, 'manifest.json'), JSON.stringify({ name: 'last-resort', kind: 'delivery-manager', displayName: 'Last resort first', entry: 'index.mjs' }));
    fs.writeFileSync(
      path.join(plugin, 'index.mjs'),
      `export default () => ({ create: () => ({ async deliver(job) {
         const steps = [...job.policy()].reverse();
         for (const step of steps) if ((await job.attempt(step)).ok) return { outcome: 'delivered', mechanism: step.mechanism };
         return { outcome: 'failed', tried: steps.length };
       } }) });`,
    );
    await h.event('delivery:managersChanged', (list) => list.some((m) => m.id === 'last-resort'));
    expect((await h.call('delivery:managers', {})).map((m) => m.name)).toContain('Last resort first');
    const sent = await h.call('messages:send', { contactId: 'jerry', body: 'Via the plugin', manager: 'last-resort' });
    await jerryPager.peer!.receive((b) => b === 'Via the plugin');
    expect(jerry.peer!.received).toEqual([]);
    expect((await finished(h, sent.id)).manager).toBe('last-resort');

    const broken = path.join(folder, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'manifest.json'), JSON.stringify({ name: 'broken', kind: 'delivery-manager', displayName: 'Broken', entry: 'index.mjs' }));
    fs.writeFileSync(path.join(broken, 'index.mjs'), `throw new Error('plugin exploded');`);
    const state = await h.event('app:changed', (s) => s.problems.some((p) => p.includes('plugin exploded')));
    expect(state.problems.join()).toContain(broken);

    fs.rmSync(plugin, { recursive: true });
    await h.event('delivery:managersChanged', (list) => !list.some((m) => m.id === 'last-resort'));
    expect((await h.call('delivery:managers', {})).map((m) => m.id)).toEqual(['sequential', 'presence-first', 'broadcast', 'escalating']);
  });
});

/** The user's own addresses, read back from the settings the harness wrote. */
function myAccountsOf(h: CoreHarness): Record<string, string> {
  const settings = JSON.parse(fs.readFileSync(path.join(h.dir, 'settings.json'), 'utf8')) as { accounts: Record<string, { jid: string }> };
  return Object.fromEntries(Object.entries(settings.accounts).map(([id, a]) => [id, a.jid]));
}

/** Waits until the core reports a mechanism connected. */
async function waitActive(h: CoreHarness, id = 'im1'): Promise<void> {
  await h.event('mechanisms:changed', (list) => list.some((m) => m.id === id && m.state === 'active'));
}

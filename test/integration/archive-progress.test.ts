// A long catch-up from the account's archive (XEP-0313, on a real Prosody) says so in the account's
// status while it reads, and stops saying so when it is done; the window is told of its progress a few
// times a second at most. Where the catch-up got to is kept: the next sign-in reads nothing again, not
// even the message Switchboard itself sent after it (which carries no archive id here).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import type { AccountView } from '../../shared/views';
import { ACTIVITY_EVERY_MS } from '../../core/mechanisms/registry';
import { startCore, type CoreHarness } from '../harness/core-harness';
import type { Peer } from '../harness/peer';
import { startProsody } from '../harness/prosody';
import type { XmppServer } from '../harness/ejabberd';
import { joinPeer, xmppAccount } from '../harness/xmpp-world';

const AWAY = 300;
let server: XmppServer;
const peers: Peer[] = [];
const cores: CoreHarness[] = [];

beforeAll(async () => {
  server = await startProsody({ domain: 'progress.switchboard.test' });
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.offline()));
  for (const core of cores) await core.stop().catch(() => undefined);
  await server?.stop();
});

const peer = (account: { jid: string; password: string }, resource?: string): Promise<Peer> => joinPeer(server, peers, account, resource);

const im = (accounts: AccountView[]) => accounts.find((a) => a.id === 'im');
const catchingUp = /^Catching up on messages from while you were away: \d+ so far$/;

it('says it is catching up while it reads a big archive, stops saying so after, and reads nothing twice at the next sign-in', async () => {
  const me = server.createAccount('me');
  const jane = await peer(server.createAccount('jane'));
  const settings = {
    accounts: { im: xmppAccount(server, me) },
    contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { im: jane.jid } }],
  };
  const run = (): CoreHarness => {
    const core = startCore(settings, cores[0] ? { dir: cores[0].dir } : {});
    cores.push(core);
    return core;
  };

  const first = run();
  await first.event('accounts:changed', (accounts) => im(accounts)?.state === 'active');
  await jane.say(me.jid, 'Before you closed it', { originId: 'jane-0' });
  await first.event('messages:changed', (m: MessageView) => m.body === 'Before you closed it');
  await first.stop();

  // Closed, while Jane wrote a lot; the user's phone took it all.
  const phone = await peer(me, 'phone');
  for (let i = 1; i <= AWAY; i++) await jane.say(me.jid, `While you were away ${i}`, { originId: `away-${i}` });
  await phone.receive((b) => b === `While you were away ${AWAY}`, 60_000);
  await phone.offline();

  const second = run();
  const told: { at: number; account: AccountView | undefined }[] = [];
  second.core.events.on('accounts:changed', (accounts: AccountView[]) => told.push({ at: Date.now(), account: im(accounts) }));
  const during = await second.event('accounts:changed', (accounts) => catchingUp.test(im(accounts)?.activity ?? ''), 60_000);
  expect(im(during)?.state).toBe('active');
  await second.logged(/caught up \d+ messages from the archive/, 60_000);
  // Done: a status told after that one says nothing of catching up.
  const seenAt = (payload: unknown) => second.seen.findIndex((e) => e.payload === payload);
  const after = await second.event('accounts:changed', (accounts) => seenAt(accounts) > seenAt(during) && im(accounts)?.activity === undefined);
  expect(im(after)?.state).toBe('active');
  expect(told.at(-1)?.account).toMatchObject({ state: 'active' });
  expect(told.at(-1)?.account?.activity).toBeUndefined();
  // The progress was told no more often than every ACTIVITY_EVERY_MS (a little leeway for the timer).
  const progress = told.filter((t, i) => i > 0 && t.account?.state === 'active' && told[i - 1]!.account?.state === 'active');
  for (const t of progress) expect(t.at - told[told.indexOf(t) - 1]!.at).toBeGreaterThanOrEqual(ACTIVITY_EVERY_MS - 20);

  const conversation = await second.call('messages:list', { contactId: 'jane', limit: 1000 });
  expect(conversation.length).toBe(AWAY + 1);
  expect(conversation.at(-1)?.body).toBe(`While you were away ${AWAY}`);

  // Switchboard answers, and is closed before anyone writes again.
  const sent = await second.call('messages:send', { contactId: 'jane', body: 'Back now', priority: 'normal' });
  await jane.receive((b) => b === 'Back now');
  await second.event('messages:changed', (m: MessageView) => m.id === sent.id && m.state !== 'sending');
  await second.stop();

  // The next sign-in reads only what came after the catch-up (its own message, which it knew by no
  // archive id); the one after that reads nothing at all.
  const third = run();
  await third.logged(/caught up \d+ messages from the archive/);
  expect(third.logs.find((l) => /caught up \d+ messages/.test(l))).not.toMatch(/caught up 0 messages/);
  await third.stop();
  const fourth = run();
  await fourth.logged(/caught up \d+ messages from the archive/);
  expect(fourth.logs.find((l) => /caught up \d+ messages/.test(l))).toMatch(/caught up 0 messages/);
  const again = await fourth.call('messages:list', { contactId: 'jane', limit: 1000 });
  expect(again.map((m) => m.body)).toEqual([...conversation.map((m) => m.body), 'Back now']);
}, 180_000);

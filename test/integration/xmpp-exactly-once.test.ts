// Each message once at the other side, over XMPP against real Prosody: "accepted" only once the server
// has it (a TCP proxy holds the bytes), and a copy whose fate was lost with the session is looked up
// in the account's archive (XEP-0313) before it goes again; without an archive it goes again, marked.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import xmpp from '../../plugins/xmpp/index';
import type { Mechanism, MechanismStatus, SendOutcome } from '../../shared/mechanism';
import { startEjabberd, type XmppServer } from '../harness/ejabberd';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, untilLogged } from '../harness/prosody';
import { recorder, type Recorder } from '../harness/recorder';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function world(options: { archive?: boolean; ejabberd?: boolean; hibernationSeconds?: number; debugLog?: boolean } = {}) {
  const server = options.ejabberd ? await startEjabberd(options) : await startProsody(options);
  cleanups.push(() => server.stop());
  const proxy = await startTcpProxy(server.port);
  cleanups.push(() => proxy.close());
  const me = server.createAccount('me');
  const other = server.createAccount('friend');
  const peer = await startPeer({ service: server.service, domain: server.domain, ...other });
  cleanups.push(() => peer.offline());
  return { server, proxy, me, other, peer };
}

async function mechanismOn(server: XmppServer, me: { jid: string; password: string }, other: string, service = server.service) {
  const rec = recorder({ jid: me.jid, password: me.password, service, caFile: server.caFile }, [other]);
  const mechanism = xmpp().create(rec.context);
  cleanups.push(() => mechanism.stop());
  return { rec, mechanism };
}

const active = (rec: Recorder) => rec.until(() => rec.statuses.at(-1)?.state === 'active', 20_000, 'active');
const settledYet = (p: Promise<SendOutcome>) => Promise.race([p.then(() => 'settled'), Promise.resolve('pending')]);
const copies = (peer: Peer, id: string) => peer.received.filter((m) => m.originId === id).length;

/**
 * Sends a message the server takes while its ack never comes back, then loses the session and the
 * process (as a crash does): the message is at the peer, and the sender cannot know it.
 */
async function loseTheAck(w: Awaited<ReturnType<typeof world>>, id: string, body: string) {
  const first = await mechanismOn(w.server, w.me, w.other.jid, `xmpp://127.0.0.1:${w.proxy.port}`);
  await first.mechanism.start();
  await active(first.rec);
  w.proxy.holdReplies();
  const sending = first.mechanism.send(w.other.jid, { id, body });
  await w.peer.receive((b) => b === body);
  w.proxy.cut();
  await first.mechanism.stop();
  expect(await sending).toMatchObject({ ok: false, final: false });
}

/**
 * Through the proxy: the server takes a first message but its ack is lost on the way back; a second
 * never leaves the proxy. Both sends are still waiting when this returns.
 */
async function oneReachedOneHeld(w: Awaited<ReturnType<typeof world>>) {
  const { rec, mechanism } = await mechanismOn(w.server, w.me, w.other.jid, `xmpp://127.0.0.1:${w.proxy.port}`);
  await mechanism.start();
  await active(rec);
  w.proxy.holdReplies();
  const reached = mechanism.send(w.other.jid, { id: 'reached', body: 'the server had this one' });
  await w.peer.receive((b) => b === 'the server had this one');
  w.proxy.hold();
  const held = mechanism.send(w.other.jid, { id: 'held', body: 'this one was held' });
  await once(w.proxy, 'held');
  return { w, rec, mechanism, reached, held };
}

/** The peer has everything sent before this: one more message through the mechanism, waited for. */
async function flush(mechanism: Mechanism, w: Awaited<ReturnType<typeof world>>) {
  expect(await mechanism.send(w.other.jid, { id: 'marker', body: 'marker' })).toMatchObject({ ok: true });
  await w.peer.receive((b) => b === 'marker');
}

describe('xmpp: accepted means the server has it', () => {
  it('keeps a message pending while the network holds it, right after signing in and through a stop', async () => {
    const w = await world();
    const { rec, mechanism } = await mechanismOn(w.server, w.me, w.other.jid, `xmpp://127.0.0.1:${w.proxy.port}`);
    // The network stalls the moment the mechanism says it is active.
    const status = rec.context.status.bind(rec.context);
    let sending: Promise<SendOutcome> | undefined;
    (rec.context as { status: (s: MechanismStatus) => void }).status = (s) => {
      status(s);
      if (s.state === 'active' && !sending) {
        w.proxy.hold();
        sending = mechanism.send(w.other.jid, { id: 'early', body: 'sent at once' });
      }
    };
    await mechanism.start();
    await active(rec);
    await once(w.proxy, 'held');
    expect(await settledYet(sending!)).toBe('pending');
    w.proxy.release();
    expect(await sending).toEqual({ ok: true, level: 'accepted' });
    await w.peer.receive((b) => b === 'sent at once');

    // Held again, then Switchboard stops: the server never had it, so it is not accepted.
    w.proxy.hold();
    const late = mechanism.send(w.other.jid, { id: 'late', body: 'held at stop' });
    await once(w.proxy, 'held');
    await mechanism.stop();
    expect(await late).toMatchObject({ ok: false, final: false });
    expect(w.peer.received.some((m) => m.body === 'held at stop')).toBe(false);
  });

  it('on resumption counts what the server had, and sends only the rest', async () => {
    const { w, rec, mechanism, reached, held } = await oneReachedOneHeld(await world());
    const before = rec.statuses.length;
    w.proxy.cut();
    w.proxy.release();
    await rec.until(() => rec.statuses.slice(before).some((s) => s.state === 'connecting'), 20_000, 'drop noticed');
    await rec.until(() => rec.statuses.at(-1)?.state === 'active', 30_000, 'resumed');
    expect(rec.logs.some((l) => l.includes('session resumed'))).toBe(true);
    expect(await reached).toEqual({ ok: true, level: 'accepted' });
    expect(await held).toEqual({ ok: true, level: 'accepted' });
    await flush(mechanism, w);
    expect([copies(w.peer, 'reached'), copies(w.peer, 'held')]).toEqual([1, 1]);
  });

  it('when the server let the session expire, its count says which message it had and which it never got', async () => {
    const { w, rec, mechanism, reached, held } = await oneReachedOneHeld(await world({ hibernationSeconds: 1, debugLog: true }));
    // The network drops and stays down (the reconnection's bytes are held) until the server gives the session up.
    w.proxy.cut();
    await untilLogged(w.server.logFile, /Destroying session for hibernating too long/);
    w.proxy.release();
    // <failed h='…'/>: the first was the server's (accepted, not sent again); the second certainly not (sent anew, not looked up).
    expect(await reached).toEqual({ ok: true, level: 'accepted' });
    expect(await held).toEqual({ ok: false, final: false, reason: 'the connection was lost before the message reached the server' });
    await active(rec);
    await flush(mechanism, w);
    expect([copies(w.peer, 'reached'), copies(w.peer, 'held')]).toEqual([1, 0]);
  });
});

describe('xmpp: a message whose fate was lost is sent once', () => {
  it.each([
    ['Prosody', false],
    ['ejabberd', true],
  ])('finds the earlier copy in the account archive on %s and does not send it again', async (_name, ejabberd) => {
    const w = await world({ ejabberd });
    await loseTheAck(w, 'lost-ack-1', 'did this arrive?');
    // A new process takes the message up again.
    const { rec, mechanism } = await mechanismOn(w.server, w.me, w.other.jid);
    await mechanism.start();
    await active(rec);
    expect(await mechanism.send(w.other.jid, { id: 'lost-ack-1', body: 'did this arrive?', resend: true })).toEqual({
      ok: true,
      level: 'accepted',
      note: 'found-in-archive',
    });
    // One the archive does not hold goes out, once and unmarked.
    expect(await mechanism.send(w.other.jid, { id: 'never-sent', body: 'not sent before', resend: true })).toEqual({ ok: true, level: 'accepted' });
    await flush(mechanism, w);
    expect([copies(w.peer, 'lost-ack-1'), copies(w.peer, 'never-sent')]).toEqual([1, 1]);
  });

  it('without an archive sends it again with the same id, marked possibly duplicated', async () => {
    const w = await world({ archive: false });
    await loseTheAck(w, 'lost-ack-2', 'and this one?');
    const { rec, mechanism } = await mechanismOn(w.server, w.me, w.other.jid);
    await mechanism.start();
    await active(rec);
    expect(await mechanism.send(w.other.jid, { id: 'lost-ack-2', body: 'and this one?', resend: true })).toEqual({
      ok: true,
      level: 'accepted',
      note: 'possibly-duplicated',
    });
    await flush(mechanism, w);
    expect(copies(w.peer, 'lost-ack-2')).toBe(2);
  });
});

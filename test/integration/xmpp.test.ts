// The XMPP mechanism against a real Prosody on loopback: verified STARTTLS + SCRAM sign-in, presence
// in, messages both ways, reconnection after the server dies, and refusals with reasons.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xmpp from '../../plugins/xmpp/index';
import type { Mechanism } from '../../shared/mechanism';
import { startPeer, type Peer } from '../harness/peer';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { recorder, type Recorder } from '../harness/recorder';
import { xmppBehindProxy } from '../harness/xmpp-behind-proxy';
import { once } from 'node:events';

const last = (r: Recorder) => r.statuses.at(-1)?.state;

describe('xmpp mechanism on Prosody', () => {
  let server: ProsodyServer;
  let me: { jid: string; password: string };
  let other: { jid: string; password: string };
  let peer: Peer | undefined;
  let mechanism: Mechanism | undefined;
  let rec: Recorder;

  beforeAll(async () => {
    server = await startProsody();
    me = server.createAccount('me');
    other = server.createAccount('friend');
  });
  afterAll(async () => {
    await mechanism?.stop();
    await peer?.offline();
    await server?.stop();
  });

  it('signs in over verified TLS, sees the peer come online, away and offline', async () => {
    rec = recorder({ jid: me.jid, password: me.password, service: server.service, caFile: server.caFile }, [other.jid]);
    mechanism = xmpp().create(rec.context);
    await mechanism.start();
    await rec.until(() => last(rec) === 'active', 20_000, 'sign-in');
    peer = await startPeer({ service: server.service, domain: server.domain, ...other });
    await rec.until(() => rec.presence.get(other.jid) === 'available', 20_000, 'peer available');
    await peer.setShow('away');
    await rec.until(() => rec.presence.get(other.jid) === 'away', 20_000, 'peer away');
    await peer.setShow('dnd');
    await rec.until(() => rec.presence.get(other.jid) === 'busy', 20_000, 'peer busy');
    await peer.setShow(undefined);
    await rec.until(() => rec.presence.get(other.jid) === 'available', 20_000, 'peer back');
  });

  it('sends a message the peer receives, with a stable id, and receives the reply', async () => {
    const outcome = await mechanism!.send(other.jid, { id: 'msg-1', body: 'Hello <b>there</b> & welcome' });
    expect(outcome).toEqual({ ok: true, level: 'accepted' });
    const got = await peer!.receive((b) => b.startsWith('Hello'));
    expect(got.body).toBe('Hello <b>there</b> & welcome');
    expect(got.originId).toBe('msg-1');
    await peer!.say(me.jid, 'Hi back');
    await rec.until(() => rec.incoming.some((m) => m.body === 'Hi back'), 20_000, 'reply');
    expect(rec.incoming.find((m) => m.body === 'Hi back')?.from).toBe(other.jid);
  });

  it('reports the connection lost when the server dies, and reconnects by itself', async () => {
    const before = rec.statuses.length;
    // The peer signs off first: the stock client left to reconnect by itself would later come back
    // under the same resource and push out the peer started below.
    await peer!.offline();
    await server.kill();
    await rec.until(() => rec.statuses.slice(before).some((s) => s.state === 'connecting'), 20_000, 'drop noticed');
    expect(await mechanism!.send(other.jid, { id: 'msg-2', body: 'while down' })).toMatchObject({ ok: false, final: false });
    await server.start();
    await rec.until(() => last(rec) === 'active', 40_000, 'reconnected');
    // The peer's client does not reconnect on its own; bring it back and see presence flow again.
    peer = await startPeer({ service: server.service, domain: server.domain, ...other });
    await rec.until(() => rec.presence.get(other.jid) === 'available', 20_000, 'presence after reconnect');
    expect(await mechanism!.send(other.jid, { id: 'msg-3', body: 'after the restart' })).toEqual({ ok: true, level: 'accepted' });
    await peer.receive((b) => b === 'after the restart');
  });

  it('survives hostile stanzas and keeps working', async () => {
    const raw = peer as unknown as { say(to: string, body: string): Promise<void> };
    // A huge body, markup in the body, an empty body, a bogus show, an error-typed message.
    await raw.say(me.jid, 'x'.repeat(200_000));
    await raw.say(me.jid, '<script>alert(1)</script>');
    await raw.say(me.jid, '');
    await peer!.setShow('bogus' as never);
    await rec.until(() => rec.incoming.some((m) => m.body === '<script>alert(1)</script>'), 20_000, 'markup arrives as text');
    expect(rec.incoming.find((m) => m.body.startsWith('xxx'))?.body.length).toBe(200_000); // the mechanism passes it whole; the core caps what it stores
    expect(rec.statuses.at(-1)?.state).toBe('active');
    expect(await mechanism!.send(other.jid, { id: 'after-hostile', body: 'still here' })).toEqual({ ok: true, level: 'accepted' });
    await peer!.receive((b) => b === 'still here');
    await peer!.setShow(undefined);
  });

  it('stops with a clear reason on a wrong password', async () => {
    const wrong = recorder({ jid: me.jid, password: 'not-the-password', service: server.service, caFile: server.caFile }, []);
    const m = xmpp().create(wrong.context);
    await m.start();
    await wrong.until(() => last(wrong) === 'inactive', 20_000, 'refusal');
    expect(wrong.statuses.at(-1)).toEqual({ state: 'inactive', reason: 'the server refused the user name or password (SASL not-authorized)' });
    await m.stop();
  });

  it('rejects invalid account settings with a clear error', async () => {
    const bad = recorder({ jid: 'no-at-sign', password: '' }, []);
    await expect(xmpp().create(bad.context).start()).rejects.toThrow(/Address \(name@server\) must look like name@server; Password is missing/);
  });
});

describe('xmpp mechanism against a server whose certificate the user does not trust', () => {
  let server: ProsodyServer;
  beforeAll(async () => {
    // Signed by a CA of its own, which neither the system nor the account's caFile knows.
    server = await startProsody({ caDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sb-other-ca-')) });
  });
  afterAll(async () => server?.stop());

  it('refuses to sign in and says why', async () => {
    const account = server.createAccount('me');
    const trusted = process.env.NODE_EXTRA_CA_CERTS!; // the run's CA, not this server's
    const rec = recorder({ ...account, service: server.service, caFile: trusted }, []);
    const m = xmpp().create(rec.context);
    await m.start();
    await rec.until(() => last(rec) === 'inactive', 20_000, 'refusal');
    const status = rec.statuses.at(-1);
    expect(status?.state === 'inactive' && status.reason).toMatch(/certificate could not be verified/);
    await m.stop();
  });
});

describe('xmpp stream management (XEP-0198) on Prosody', () => {
  it('counts a message accepted only when the server acknowledges it, and resumes the session after a network drop', async () => {
    const { server, proxy, me, other, peer, rec, mechanism } = await xmppBehindProxy();
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 20_000, 'active');
      await rec.until(() => rec.presence.get(other.jid) === 'available', 20_000, 'peer available');

      // While the network holds our bytes, the server cannot have acknowledged anything: still pending.
      proxy.hold();
      const sending = mechanism.send(other.jid, { id: 'sm-1', body: 'held back' });
      await once(proxy, 'held');
      expect(await Promise.race([sending.then(() => 'settled'), Promise.resolve('pending')])).toBe('pending');
      proxy.release();
      expect(await sending).toEqual({ ok: true, level: 'accepted' });
      await peer.receive((b) => b === 'held back');

      // The network drops; the server keeps the session; what is said meanwhile arrives once we resume.
      const before = rec.statuses.length;
      proxy.cut();
      await rec.until(() => rec.statuses.slice(before).some((s) => s.state === 'connecting'), 20_000, 'drop noticed');
      await peer.say(me.jid, 'said while you were cut off');
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 30_000, 'back');
      expect(rec.logs.some((l) => l.includes('session resumed'))).toBe(true);
      await rec.until(() => rec.incoming.some((m) => m.body === 'said while you were cut off'), 20_000, 'queued message');
      expect(rec.presence.get(other.jid)).toBe('available'); // kept through the resumption
    } finally {
      await mechanism.stop();
      await peer.offline();
      await proxy.close();
      await server.stop();
    }
  });
});

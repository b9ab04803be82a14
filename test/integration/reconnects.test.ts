// Reconnecting leaves nothing behind: the XMPP mechanism on Prosody and the IRC mechanism on ngIRCd,
// their connection cut twenty times through a TCP proxy, come back each time with one reconnect per
// drop, no listener or timer piling up and no MaxListenersExceededWarning; a stopped mechanism leaves
// no timer or socket running.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEmitter } from 'node:events';
import irc from '../../plugins/irc/index';
import xmpp from '../../plugins/xmpp/index';
import type { Connection } from '../../plugins/xmpp/connection';
import type { Mechanism, SendOutcome } from '../../shared/mechanism';
import { startInspircd } from '../harness/inspircd';
import { startIrcPeer, startNgircd } from '../harness/ngircd';
import { startProsody } from '../harness/prosody';
import { recorder, type Recorder } from '../harness/recorder';
import { xmppBehindProxy } from '../harness/xmpp-behind-proxy';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';

const CUTS = 20;

/** How many of each kind of resource keeps the process alive now (timers, sockets ...). */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
/** The kinds a mechanism owns: its timers and its sockets. */
const owned = (counts: Record<string, number>) => ({ Timeout: counts['Timeout'] ?? 0, TCPSocketWrap: counts['TCPSocketWrap'] ?? 0, TLSWrap: counts['TLSWrap'] ?? 0 });

/** Listeners per event name on an emitter, only the events that have some. */
function listeners(emitter: EventEmitter | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of emitter?.eventNames() ?? []) counts[String(name)] = emitter!.listenerCount(name);
  return counts;
}

/** Every MaxListenersExceededWarning (or any other warning) the process emits meanwhile. */
let warnings: Error[] = [];
const onWarning = (warning: Error) => void warnings.push(warning);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => void process.off('warning', onWarning));

/** Cuts the connection and waits until the mechanism is active again; returns the statuses reported meanwhile. */
async function cutAndWait(proxy: TcpProxy, rec: Recorder, n: number, back: () => boolean = () => true): Promise<string[]> {
  const before = rec.statuses.length;
  proxy.cut();
  await rec.until(() => rec.statuses.slice(before).some((s) => s.state === 'connecting'), 20_000, `cut ${n} noticed`);
  await rec.until(() => rec.statuses.at(-1)?.state === 'active' && back(), 30_000, `active again after cut ${n}`);
  return rec.statuses.slice(before).map((s) => s.state);
}

// First in the file: what earlier tests leave closing would blur the counts taken before and after.
describe('a stopped mechanism', () => {
  /** Starts the server and the mechanism, lets it become active, stops it: its timers and sockets are gone. */
  async function leavesNothing(startServer: () => Promise<{ mechanism: Mechanism; rec: Recorder; stop(): Promise<void> }>) {
    // Taken before the server starts: its readiness probe is a socket of its own, still closing after.
    const before = owned(resources());
    const { mechanism, rec, stop } = await startServer();
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 20_000, 'active');
      await mechanism.stop();
      // A destroyed socket leaves the list when its handle has closed, a moment later, and Node gives no
      // event for another part's handle: look again for up to 5 s. What is still there then was left.
      const within = (a: ReturnType<typeof owned>) => (Object.keys(before) as (keyof typeof before)[]).every((k) => a[k] <= before[k]);
      for (let tries = 0; tries < 250 && !within(owned(resources())); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
      // Fewer is fine (something of the test harness ended meanwhile); more is what the mechanism left.
      const after = owned(resources());
      for (const kind of Object.keys(before) as (keyof typeof before)[]) expect(after[kind], kind).toBeLessThanOrEqual(before[kind]);
    } finally {
      await stop();
    }
  }

  it('xmpp: leaves no timer or socket behind', async () => {
    await leavesNothing(async () => {
      const server = await startProsody();
      const me = server.createAccount('me');
      const rec = recorder({ jid: me.jid, password: me.password, service: server.service, caFile: server.caFile }, ['nobody@' + server.domain]);
      return { mechanism: xmpp().create(rec.context), rec, stop: () => server.stop() };
    });
  });

  it('irc: leaves no timer or socket behind', async () => {
    await leavesNothing(async () => {
      const server = await startNgircd();
      const rec = recorder({ server: server.serverName, host: server.host, port: server.port, nick: 'Me', password: server.password, caFile: server.caFile }, ['Nobody']);
      return { mechanism: irc().create(rec.context), rec, stop: () => server.stop() };
    });
  });
});

describe('xmpp on Prosody: twenty cuts', () => {
  it('resumes after each cut with one reconnect, and listeners and timers do not pile up', async () => {
    const { server, proxy, me, other, peer, rec, mechanism } = await xmppBehindProxy();
    const connection = () => (mechanism as unknown as { connection: Connection }).connection;
    const resumptions = () => rec.logs.filter((l) => l.includes('session resumed')).length;
    /** The long-lived emitters (the client, its socket of the moment, stream management), and the timers. */
    const snapshot = () => {
      const { entity } = connection();
      const sm = (mechanism as unknown as { streamManagement: EventEmitter }).streamManagement;
      const socket = entity.socket as (EventEmitter & { socket?: EventEmitter }) | null;
      return { client: listeners(entity), socket: listeners(socket ?? undefined), tlsSocket: listeners(socket?.socket), sm: listeners(sm), timers: owned(resources()).Timeout };
    };
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 20_000, 'active');
      await rec.until(() => rec.presence.get(other.jid) === 'available', 20_000, 'peer available');
      let afterTwo: ReturnType<typeof snapshot> | undefined;
      for (let n = 1; n <= CUTS; n++) {
        const resumed = resumptions();
        const states = await cutAndWait(proxy, rec, n, () => resumptions() > resumed);
        // One drop, one reconnect: the core hears 'connecting' once, then 'active'.
        expect(states, `statuses after cut ${n}`).toEqual(['connecting', 'active']);
        expect(await mechanism.send(other.jid, { id: `cut-${n}`, body: `after cut ${n}` })).toEqual({ ok: true, level: 'accepted' });
        if (n === 2) afterTwo = snapshot();
      }
      const afterTwenty = snapshot();
      expect(afterTwenty.client).toEqual(afterTwo!.client);
      expect(afterTwenty.socket).toEqual(afterTwo!.socket);
      expect(afterTwenty.tlsSocket).toEqual(afterTwo!.tlsSocket);
      expect(afterTwenty.sm).toEqual(afterTwo!.sm);
      expect(afterTwenty.timers).toBeLessThanOrEqual(afterTwo!.timers);
      expect(warnings.map(String)).toEqual([]);
      await peer.receive((b) => b === `after cut ${CUTS}`);
    } finally {
      await mechanism.stop();
      await peer.offline();
      await proxy.close();
      await server.stop();
    }
  }, 120_000); // twenty reconnections on a busy 2-core machine
});

// On InspIRCd: ngIRCd 26.1 spins on a TLS connection whose peer vanished (it logs "Broken pipe" hundreds
// of thousands of times a second), which would slow everything else on the machine.
describe('irc on InspIRCd: twenty cuts', () => {
  it('reconnects once per cut, and timers do not pile up', async () => {
    const server = await startInspircd();
    const proxy = await startTcpProxy(server.port);
    const peer = await startIrcPeer(server, 'JaneDoe');
    const rec = recorder({ server: server.serverName, host: '127.0.0.1', port: proxy.port, nick: 'Me', password: server.password, caFile: server.caFile, lineIntervalMs: 50 }, ['JaneDoe']);
    const mechanism = irc().create(rec.context);
    const regaining = () => ((mechanism as unknown as { nick: string | undefined }).nick === 'Me' ? 0 : 1);
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 20_000, 'active');
      let timersAfterTwo = 0;
      const sends: Promise<SendOutcome>[] = [];
      for (let n = 1; n <= CUTS; n++) {
        const states = await cutAndWait(proxy, rec, n);
        expect(states, `statuses after cut ${n}`).toEqual(['connecting', 'active']);
        // A message on every connection, not waited for (ngIRCd paces a new client's commands): the
        // next cut ends its wait for the server's confirmation, and that wait's timer must go with it.
        sends.push(mechanism.send('JaneDoe', { id: `cut-${n}`, body: `after cut ${n}` }));
        if (n === 2) timersAfterTwo = owned(resources()).Timeout - regaining();
      }
      // Signed in under an alternative nick (the server still holds ours for the cut connection), the
      // mechanism has one timer more, to ask for its nick back: one, not one per cut.
      const timersAfterTwenty = owned(resources()).Timeout - regaining();
      expect(timersAfterTwenty).toBeLessThanOrEqual(timersAfterTwo);
      const outcomes = await Promise.all(sends);
      expect(outcomes.at(-1)).toEqual({ ok: true, level: 'accepted' });
      for (const outcome of outcomes) expect(outcome.ok || !outcome.final).toBe(true); // a cut is worth retrying
      expect(rec.logs.filter((l) => l.includes('connection dropped'))).toHaveLength(CUTS);
      expect(warnings.map(String)).toEqual([]);
      await peer.receive((b) => b === `after cut ${CUTS}`);
    } finally {
      await mechanism.stop();
      await peer.quit();
      await proxy.close();
      await server.stop();
    }
  }, 120_000); // twenty reconnections on a busy 2-core machine
});

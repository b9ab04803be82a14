// The mechanism contract against a real IRC server (ngIRCd from Debian), with irc-framework peers.
import { describe, expect, it } from 'vitest';
import irc from '../../../plugins/irc/index';
import { startInspircd } from '../../harness/inspircd';
import { startIrcPeer, startNgircd, type IrcPeer, type IrcServer } from '../../harness/ngircd';
import { recorder } from '../../harness/recorder';
import { mechanismContract } from './contract';

const ircWorld = (startServer: () => Promise<IrcServer>) => async () => {
  const server = await startServer();
  let peer: IrcPeer | undefined = await startIrcPeer(server, 'JaneDoe');
  const online = async () => {
    if (!peer) peer = await startIrcPeer(server, 'JaneDoe');
    peer.back();
  };
  return {
    plugin: irc(),
    account: { server: server.serverName, host: server.host, port: server.port, nick: 'Me', password: server.password, caFile: server.caFile, pollSeconds: 0.5, lineIntervalMs: 50 },
    peer: { address: 'JaneDoe', receive: (match: (body: string) => boolean) => peer!.receive(match) },
    presence: {
      online,
      away: async () => peer!.away('at lunch'),
      offline: async () => {
        await peer?.quit();
        peer = undefined;
      },
    },
    incoming: { say: (body: string) => peer!.say('Me', body) },
    invalidAddress: 'no spaces allowed',
    refusedAddress: 'NobodyHere',
    server: {
      stop: async () => {
        await server.stop();
        peer = undefined;
      },
      start: async () => {
        await server.start();
        peer = await startIrcPeer(server, 'JaneDoe');
      },
    },
    close: async () => {
      await peer?.quit();
      await server.stop();
    },
  };
};

mechanismContract('irc on ngIRCd', ircWorld(() => startNgircd()));
mechanismContract('irc on InspIRCd', ircWorld(() => startInspircd()));

describe('irc on InspIRCd: MONITOR', () => {
  it('learns at once when a nick comes and goes, without polling', async () => {
    const server = await startInspircd();
    const rec = recorder({ server: server.serverName, host: server.host, port: server.port, nick: 'Watcher', password: server.password, caFile: server.caFile, pollSeconds: 3600 }, ['Frank']);
    const mechanism = irc().create(rec.context);
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 15_000, 'active');
      expect(rec.logs.some((l) => l.includes('presence by MONITOR'))).toBe(true);
      await rec.until(() => rec.presence.get('frank') === 'offline', 15_000, 'offline at first');
      const frank = await startIrcPeer(server, 'Frank');
      await rec.until(() => rec.presence.get('frank') === 'available', 15_000, 'online by MONITOR');
      await frank.quit();
      await rec.until(() => rec.presence.get('frank') === 'offline', 15_000, 'offline by MONITOR');
    } finally {
      await mechanism.stop();
      await server.stop();
    }
  });
});

describe('irc on InspIRCd: MONITOR follows the contacts', () => {
  it('watches a nick added while it runs at once, and no longer one removed', async () => {
    const server = await startInspircd();
    const addresses = ['Frank'];
    const rec = recorder({ server: server.serverName, host: server.host, port: server.port, nick: 'Watcher', password: server.password, caFile: server.caFile, pollSeconds: 3600 }, addresses);
    const mechanism = irc().create(rec.context);
    const peers: { quit(): Promise<void> }[] = [];
    try {
      await mechanism.start();
      await rec.until(() => rec.presence.get('frank') === 'offline', 15_000, 'offline at first');
      addresses.push('Grace');
      mechanism.addressesChanged!();
      await rec.until(() => rec.presence.get('grace') === 'offline', 15_000, 'asked about at once');
      const grace = await startIrcPeer(server, 'Grace');
      peers.push(grace);
      await rec.until(() => rec.presence.get('grace') === 'available', 15_000, 'online by MONITOR, with no poll for an hour');
      // Frank is no contact any more: his coming online is not reported (it would arrive before Grace leaving).
      addresses.splice(0, 1);
      mechanism.addressesChanged!();
      peers.push(await startIrcPeer(server, 'Frank'));
      await grace.quit();
      await rec.until(() => rec.presence.get('grace') === 'offline', 15_000, 'offline by MONITOR');
      expect(rec.presence.get('frank')).toBe('offline');
    } finally {
      for (const p of peers) await p.quit().catch(() => undefined);
      await mechanism.stop();
      await server.stop();
    }
  });
});

describe('irc on ngIRCd: long messages and flood control', () => {
  it('splits a long message within the line limit and paces a burst without being disconnected', async () => {
    const server = await startNgircd();
    const peer = await startIrcPeer(server, 'Frank');
    const rec = recorder({ server: server.serverName, host: server.host, port: server.port, nick: 'Sender', password: server.password, caFile: server.caFile, lineIntervalMs: 300 }, ['Frank']);
    const mechanism = irc().create(rec.context);
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 15_000, 'active');
      const long = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
      expect(await mechanism.send('Frank', { id: 'long', body: long })).toEqual({ ok: true, level: 'accepted' });
      await peer.receive((b) => b.endsWith('word119'));
      const parts = peer.received.map((m) => m.body);
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.join(' ')).toBe(long);
      for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(400);
      // Twenty lines at once: paced, all arrive, and the connection survives.
      const burst = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
      expect(await mechanism.send('Frank', { id: 'burst', body: burst })).toEqual({ ok: true, level: 'accepted' });
      await peer.receive((b) => b === 'line 19');
      expect(rec.statuses.at(-1)?.state).toBe('active');
    } finally {
      await mechanism.stop();
      await peer.quit();
      await server.stop();
    }
  });
});

describe('irc on ngIRCd: its own nick held by a connection that dropped', () => {
  it('signs in under an alternative nick at once, sends from it, and takes its own back once free', async () => {
    const server = await startNgircd();
    // The nick is held, as by our own connection that dropped without a QUIT (the server keeps it until its ping timeout).
    let holder: IrcPeer | undefined = await startIrcPeer(server, 'Busy');
    const friend = await startIrcPeer(server, 'JaneDoe');
    const rec = recorder({ server: server.serverName, host: server.host, port: server.port, nick: 'Busy', password: server.password, caFile: server.caFile, pollSeconds: 3600 }, ['JaneDoe']);
    const mechanism = irc().create(rec.context);
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 15_000, 'active under an alternative nick');
      expect(rec.logs.some((l) => l.includes('signing in as Busy_ for now'))).toBe(true);
      expect(await mechanism.send('JaneDoe', { id: 'alt-1', body: 'from my other nick' })).toEqual({ ok: true, level: 'accepted' });
      await friend.receive((b) => b === 'from my other nick');
      // The old connection goes: the next try takes the nick back, and what follows comes from it.
      await holder.quit();
      holder = undefined;
      await rec.until(() => rec.logs.some((l) => l.includes('has its own nick Busy again')), 40_000, 'own nick back');
      expect(await mechanism.send('JaneDoe', { id: 'own-1', body: 'from my own nick' })).toEqual({ ok: true, level: 'accepted' });
      expect((await friend.receive((b) => b === 'from my own nick')).from).toBe('Busy');
      expect(rec.statuses.filter((s) => s.state !== 'active')).toEqual([{ state: 'connecting' }]);
    } finally {
      await mechanism.stop();
      await holder?.quit();
      await friend.quit();
      await server.stop();
    }
  }, 60_000);
});

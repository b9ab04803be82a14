// One contract test suite, run against every mechanism on its real server: the same scenarios, so
// that the core can treat all mechanisms alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mechanism, MechanismPlugin } from '../../../shared/mechanism';
import { recorder, type Recorder } from '../../harness/recorder';

export interface ContractWorld {
  readonly plugin: MechanismPlugin;
  /** The user's account settings for this mechanism. */
  readonly account: unknown;
  /** The other person: their address, and what they receive. */
  readonly peer: { readonly address: string; receive(match: (body: string) => boolean): Promise<{ body: string; id?: string | null }> };
  /** For mechanisms with presence: moves the other person between states. */
  readonly presence?: { online(): Promise<void>; away(): Promise<void>; offline(): Promise<void> };
  /** For mechanisms that receive: the other person writes to us. */
  readonly incoming?: { say(body: string): Promise<void> };
  /** An address of the wrong form. */
  readonly invalidAddress: string;
  /** An address of the right form that the server refuses for good. */
  readonly refusedAddress?: string;
  /** An address the server turns away for now: worth retrying. */
  readonly laterAddress?: string;
  readonly server: { stop(): Promise<void>; start(): Promise<void> };
  close(): Promise<void>;
}

export function mechanismContract(name: string, makeWorld: () => Promise<ContractWorld>): void {
  describe(`${name}: mechanism contract`, () => {
    let world: ContractWorld;
    let rec: Recorder;
    let mechanism: Mechanism;
    const state = () => rec.statuses.at(-1)?.state;

    beforeAll(async () => {
      world = await makeWorld();
      rec = recorder(world.account, [world.peer.address]);
      mechanism = world.plugin.create(rec.context);
    });
    afterAll(async () => {
      await mechanism?.stop();
      await world?.close();
    });

    it('rejects account settings it cannot use, with a clear error', async () => {
      const bad = recorder({ nonsense: true }, []);
      await expect(world.plugin.create(bad.context).start()).rejects.toThrow(/account settings are not valid/);
    });

    it('becomes active with good settings', async () => {
      await mechanism.start();
      await rec.until(() => state() === 'active', 20_000, 'active');
    });

    it('delivers a message that the other side receives, carrying its stable id', async () => {
      const outcome = await mechanism.send(world.peer.address, { id: `contract-${name}-1`, body: `Hello over ${name}`, senderName: 'Switchboard Tester' });
      expect(outcome).toMatchObject({ ok: true });
      const got = await world.peer.receive((b) => b.includes(`Hello over ${name}`));
      if (got.id !== undefined) expect(got.id).toContain(`contract-${name}-1`);
    });

    it('fails at once, for good, on an address of the wrong form', async () => {
      expect(await mechanism.send(world.invalidAddress, { id: 'x', body: 'x' })).toMatchObject({ ok: false, final: true });
    });

    it('fails for good on an address the server refuses', async (ctx) => {
      if (!world.refusedAddress) return ctx.skip();
      const outcome = await mechanism.send(world.refusedAddress, { id: 'refused', body: 'to nobody' });
      expect(outcome).toMatchObject({ ok: false, final: true });
    });

    it('fails worth retrying on an address the server turns away for now', async (ctx) => {
      if (!world.laterAddress) return ctx.skip();
      expect(await mechanism.send(world.laterAddress, { id: 'later', body: 'try later' })).toMatchObject({ ok: false, final: false });
    });

    it('reports presence where it has it, and none where it does not', async () => {
      if (!world.presence) {
        expect(world.plugin.capabilities.presence).toBe(false);
        expect(rec.presence.size).toBe(0);
        return;
      }
      expect(world.plugin.capabilities.presence).toBe(true);
      const normalized = world.plugin.normalizeAddress(world.peer.address);
      await world.presence.online();
      await rec.until(() => rec.presence.get(normalized) === 'available', 30_000, 'available');
      await world.presence.away();
      await rec.until(() => ['away', 'busy', 'xa'].includes(rec.presence.get(normalized) ?? ''), 30_000, 'away');
      await world.presence.offline();
      await rec.until(() => rec.presence.get(normalized) === 'offline', 30_000, 'offline');
      await world.presence.online();
      await rec.until(() => rec.presence.get(normalized) === 'available', 30_000, 'available again');
    });

    it('passes on what the other side writes, from their address', async (ctx) => {
      if (!world.incoming) return ctx.skip();
      await world.incoming.say(`Reply over ${name}`);
      await rec.until(() => rec.incoming.some((m) => m.body.includes(`Reply over ${name}`)), 20_000, 'incoming');
      const got = rec.incoming.find((m) => m.body.includes(`Reply over ${name}`))!;
      expect(world.plugin.normalizeAddress(got.from)).toBe(world.plugin.normalizeAddress(world.peer.address));
    });

    it('fails worth retrying while its server is down, and works again when it is back', async () => {
      await world.server.stop();
      // Connection-based mechanisms notice at once; request-based ones on their next request.
      const down = await mechanism.send(world.peer.address, { id: `contract-${name}-down`, body: 'while down' });
      await rec.until(() => state() !== 'active', 20_000, 'not active');
      const stillDown = await mechanism.send(world.peer.address, { id: `contract-${name}-down2`, body: 'while down' });
      expect(stillDown).toMatchObject({ ok: false, final: false });
      if (!down.ok) expect(down.final).toBe(false);
      await world.server.start();
      await rec.until(() => state() === 'active', 60_000, 'active again');
      expect(await mechanism.send(world.peer.address, { id: `contract-${name}-2`, body: `Back over ${name}` })).toMatchObject({ ok: true });
      await world.peer.receive((b) => b.includes(`Back over ${name}`));
    });
  });
}

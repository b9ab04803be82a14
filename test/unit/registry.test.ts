// The mechanism registry contains plugins that misbehave: one that throws when made or started, one
// whose send never answers, one whose callbacks throw. The plugins here are written to misbehave;
// they are the subject, not stand-ins for something real.
import { describe, expect, it, vi } from 'vitest';
import { ACTIVITY_EVERY_MS, MechanismRegistry, type RegistryHooks } from '../../core/mechanisms/registry';
import type { MechanismContext, MechanismPlugin, MechanismStatus } from '../../shared/mechanism';

function hooks() {
  const statuses: [string, MechanismStatus][] = [];
  const h: RegistryHooks = {
    status: (id, s) => void statuses.push([id, s]),
    presence: () => {
      throw new Error('a hook that throws');
    },
    incoming: () => undefined,
    receipt: () => undefined,
    suggest: () => undefined,
    lastServerId: () => undefined,
  };
  return { h, statuses };
}
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function plugin(create: (ctx: MechanismContext) => ReturnType<MechanismPlugin['create']>): MechanismPlugin {
  return {
    kind: 'mechanism',
    id: 'bad',
    displayName: 'Bad',
    capabilities: { presence: true, receipts: false },
    normalizeAddress: (a) => a,
    accountFields: [],
    validateAccount: () => [],
    create,
  };
}

describe('MechanismRegistry', () => {
  it('marks a plugin that throws when created as inactive, with the reason', () => {
    const { h, statuses } = hooks();
    const registry = new MechanismRegistry(h, quiet);
    registry.add('x', plugin(() => { throw new Error('cannot be made'); }), {}, () => []);
    expect(statuses).toEqual([['x', { state: 'inactive', reason: 'cannot be made' }]]);
    expect(registry.active()).toEqual([]);
  });

  it('marks a plugin whose start rejects as inactive, and keeps going', async () => {
    const { h, statuses } = hooks();
    const registry = new MechanismRegistry(h, quiet);
    registry.add('x', plugin(() => ({ start: async () => { throw new Error('no server'); }, stop: async () => {}, send: async () => ({ ok: true, level: 'accepted' }) })), {}, () => []);
    await registry.settled(['x'], 1_000);
    expect(statuses.at(-1)).toEqual(['x', { state: 'inactive', reason: 'no server' }]);
  });

  it('fails an attempt on a send that never answers, as worth retrying, instead of hanging', async () => {
    const { h } = hooks();
    const registry = new MechanismRegistry(h, quiet, 50);
    let ctx!: MechanismContext;
    registry.add('x', plugin((c) => ((ctx = c), { start: async () => c.status({ state: 'active' }), stop: async () => {}, send: () => new Promise(() => {}) })), {}, () => []);
    await registry.settled(['x'], 1_000);
    expect(await registry.send('x', 'someone', { id: 'm', body: 'hi' })).toEqual({ ok: false, reason: 'send did not finish within 50 ms', final: false });
    // A callback whose handler throws costs that callback only.
    expect(() => ctx.presence('someone', 'available')).not.toThrow();
    expect(registry.active()).toEqual(['x']);
  });

  it('ends the wait for a mechanism still connecting as soon as its signal fires, even one fired before', async () => {
    const { h } = hooks();
    const registry = new MechanismRegistry(h, quiet);
    let stopped = false;
    // Never leaves "connecting" (a server that does not answer); and one whose stop never finishes.
    registry.add('x', plugin(() => ({ start: () => new Promise(() => {}), stop: () => new Promise(() => {}), send: async () => ({ ok: true, level: 'accepted' }) })), {}, () => []);
    const hour = 3_600_000;
    const stopping = new AbortController();
    const waiting = registry.settled(['x'], hour, stopping.signal).then(() => (stopped = true));
    stopping.abort();
    await waiting;
    expect(stopped).toBe(true);
    await registry.settled(['x'], hour, stopping.signal); // already aborted: does not wait at all
    expect(registry.status('x')).toEqual({ state: 'connecting' });
    // Quitting does not wait out a mechanism that cannot close.
    await registry.stopAll(10);
    expect(registry.ids()).toEqual([]);
  });

  it('lets a full outbox wait for its mechanism without a listener-leak warning, and releases every wait', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const { h } = hooks();
      const registry = new MechanismRegistry(h, quiet);
      let ctx!: MechanismContext;
      registry.add('x', plugin((c) => ((ctx = c), { start: () => new Promise(() => {}), stop: async () => {}, send: async () => ({ ok: true, level: 'accepted' }) })), {}, () => []);
      const shutdown = new AbortController();
      // 200 messages in the outbox after a restart, each waiting for the same mechanism, and each through its own signal.
      const waits = Array.from({ length: 200 }, () => registry.settled(['x'], 3_600_000, AbortSignal.any([shutdown.signal])));
      ctx.status({ state: 'active' });
      await Promise.all(waits);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('ignores a removed mechanism that keeps talking', async () => {
    const { h, statuses } = hooks();
    const registry = new MechanismRegistry(h, quiet);
    let ctx!: MechanismContext;
    registry.add('x', plugin((c) => ((ctx = c), { start: async () => {}, stop: async () => {}, send: async () => ({ ok: true, level: 'accepted' }) })), {}, () => []);
    await registry.remove('x');
    const before = statuses.length;
    ctx.status({ state: 'active' });
    expect(statuses.length).toBe(before);
    expect(await registry.send('x', 'a', { id: 'm', body: 'b' })).toMatchObject({ ok: false, final: false });
  });

  it('tells a change of what an active mechanism is doing a few times a second at most, ending with the latest', async () => {
    vi.useFakeTimers();
    try {
      const { h } = hooks();
      const registry = new MechanismRegistry(h, quiet);
      let ctx!: MechanismContext;
      registry.add('x', plugin((c) => ((ctx = c), { start: async () => c.status({ state: 'active' }), stop: async () => {}, send: async () => ({ ok: true, level: 'accepted' }) })), {}, () => []);
      await vi.advanceTimersByTimeAsync(0);
      const told: string[] = [];
      registry.onChange(() => told.push(`${registry.views()[0]?.state} ${registry.views()[0]?.activity ?? ''}`.trim()));
      vi.advanceTimersByTime(ACTIVITY_EVERY_MS);
      for (let page = 1; page <= 10; page++) ctx.status({ state: 'active', activity: `${page * 100} so far` });
      ctx.status({ state: 'active' });
      expect(told).toEqual(['active 100 so far']);
      vi.advanceTimersByTime(ACTIVITY_EVERY_MS);
      // The pages between were never told; the end of the activity was.
      expect(told).toEqual(['active 100 so far', 'active']);
      // A change of state is told at once, and one of activity held back meanwhile is not told after it.
      ctx.status({ state: 'active', activity: 'busy' });
      ctx.status({ state: 'connecting', reason: 'the connection was lost' });
      expect(told).toEqual(['active 100 so far', 'active', 'connecting']);
      vi.advanceTimersByTime(ACTIVITY_EVERY_MS);
      expect(told).toEqual(['active 100 so far', 'active', 'connecting']);
    } finally {
      vi.useRealTimers();
    }
  });
});

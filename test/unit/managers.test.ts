// The four built-in delivery managers, each over a scripted job. The job here stands in for the core's
// (which the integration tests drive over real servers): it records what the manager asked for.
import { describe, expect, it } from 'vitest';
import { computePolicy } from '../../core/delivery/policy';
import broadcast from '../../plugins/broadcast/index';
import escalating from '../../plugins/escalating/index';
import presenceFirst from '../../plugins/presence-first/index';
import sequential from '../../plugins/sequential/index';
import type { AttemptResult, DeliveryJob, DeliveryStep } from '../../shared/delivery';
import type { PresenceShow } from '../../shared/domain';
import { settingsSchema } from '../../shared/settings';

const ok: AttemptResult = { ok: true, level: 'accepted' };
const no: AttemptResult = { ok: false, reason: 'refused', final: true };

interface Script {
  steps: unknown[];
  outcomes: Record<string, AttemptResult | (() => Promise<AttemptResult>)>;
  active?: () => string[];
  presence?: Record<string, PresenceShow | 'none'>;
  answers?: boolean[];
  receipts?: string[];
}

function scripted(script: Script) {
  const steps = settingsSchema.parse({ delivery: { managers: { x: { configurations: { Normal: script.steps } } } } }).delivery.managers.x!.configurations.Normal!;
  const log: string[] = [];
  const answers = [...(script.answers ?? [])];
  const job: DeliveryJob = {
    message: { id: 'm', contactName: 'Jane Doe', priority: 'normal' },
    configuration: { name: 'Normal', steps },
    policy: () => computePolicy(Object.keys(script.outcomes), script.active?.() ?? Object.keys(script.outcomes), steps),
    attempt: async (step: DeliveryStep) => {
      log.push(`send ${step.mechanism}${typeof step.verify === 'object' ? ` (receipt ${step.verify.receiptWithinSeconds}s)` : ''}`);
      const outcome = script.outcomes[step.mechanism]!;
      return typeof outcome === 'function' ? outcome() : outcome;
    },
    skip: (step, why) => void log.push(`skip ${step.mechanism}: ${why}`),
    presence: (m) => script.presence?.[m] ?? 'none',
    receipts: (m) => script.receipts?.includes(m) ?? false,
    ask: async () => (log.push('ask'), answers.shift() ?? false),
    expired: () => false,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  return { job, log };
}

describe('sequential', () => {
  it('moves to the next mechanism when one fails and stops at the first success', async () => {
    const { job, log } = scripted({ steps: ['im1', 'im2', 'pager'], outcomes: { im1: no, im2: ok, pager: ok } });
    expect(await sequential().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'im2' });
    expect(log).toEqual(['send im1', 'send im2']);
  });

  it('reports failure with the number tried, or nothing tried when no mechanism is up', async () => {
    expect(await sequential().create().deliver(scripted({ steps: ['im1', 'pager'], outcomes: { im1: no, pager: no } }).job)).toEqual({ outcome: 'failed', tried: 2 });
    expect(await sequential().create().deliver(scripted({ steps: ['im1'], outcomes: { im1: ok }, active: () => [] }).job)).toEqual({ outcome: 'failed', tried: 0 });
  });

  it('asks before a step marked ask, and a no ends delivery as declined', async () => {
    const yes = scripted({ steps: ['im2', { mechanism: 'pager', ask: true }], outcomes: { im2: no, pager: ok }, answers: [true] });
    expect(await sequential().create().deliver(yes.job)).toEqual({ outcome: 'delivered', mechanism: 'pager' });
    expect(yes.log).toEqual(['send im2', 'ask', 'send pager']);
    const declined = scripted({ steps: ['im2', { mechanism: 'pager', ask: true }], outcomes: { im2: no, pager: ok }, answers: [false] });
    expect(await sequential().create().deliver(declined.job)).toEqual({ outcome: 'declined' });
    expect(declined.log).toEqual(['send im2', 'ask']);
  });

  it('runs steps marked parallelWithNext together', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { job, log } = scripted({
      steps: [{ mechanism: 'im1', parallelWithNext: true }, 'im2', 'pager'],
      outcomes: { im1: async () => (await gate, no), im2: async () => (release(), ok), pager: ok },
    });
    expect(await sequential().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'im2' });
    expect(log).toEqual(['send im1', 'send im2']);
  });

  it('asks for the policy before each step, so a mechanism that went down is skipped', async () => {
    let active = ['im1', 'im2', 'pager'];
    const { job, log } = scripted({ steps: ['im1', 'im2', 'pager'], outcomes: { im1: async () => ((active = ['im1', 'pager']), no), im2: ok, pager: ok }, active: () => active });
    expect(await sequential().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'pager' });
    expect(log).toEqual(['send im1', 'send pager']);
  });
});

describe('presence-first', () => {
  it('skips mechanisms where the recipient is not available and ends with those without presence', async () => {
    const { job, log } = scripted({
      steps: ['im1', 'email', 'im2'],
      outcomes: { im1: ok, email: ok, im2: ok },
      presence: { im1: 'away', email: 'none', im2: 'available' },
    });
    expect(await presenceFirst().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'im2' });
    expect(log).toEqual(['skip im1: the recipient is shown away there', 'send im2']);
  });

  it('falls back to a mechanism without presence when nobody is available', async () => {
    const { job, log } = scripted({ steps: ['im1', 'pager'], outcomes: { im1: ok, pager: ok }, presence: { im1: 'offline', pager: 'none' } });
    expect(await presenceFirst().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'pager' });
    expect(log).toEqual(['skip im1: the recipient is shown offline there', 'send pager']);
  });

  it('fails, counting the skipped ones, when no mechanism is left', async () => {
    const { job } = scripted({ steps: ['im1', 'im2'], outcomes: { im1: ok, im2: ok }, presence: { im1: 'busy', im2: 'xa' } });
    expect(await presenceFirst().create().deliver(job)).toEqual({ outcome: 'failed', tried: 2 });
  });
});

describe('broadcast', () => {
  it('sends everywhere at once and is delivered when any succeeds', async () => {
    const { job, log } = scripted({ steps: ['im1', 'im2', 'pager'], outcomes: { im1: no, im2: new Promise(() => {}) as never, pager: ok } });
    job.attempt = async (step) => (log.push(`send ${step.mechanism}`), step.mechanism === 'im2' ? new Promise(() => {}) : step.mechanism === 'pager' ? ok : no);
    expect(await broadcast().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'pager' });
    expect(log).toEqual(['send im1', 'send im2', 'send pager']);
  });

  it('fails when all fail; leaves out the steps the sender said no to', async () => {
    expect(await broadcast().create().deliver(scripted({ steps: ['im1', 'im2'], outcomes: { im1: no, im2: no } }).job)).toEqual({ outcome: 'failed', tried: 2 });
    const { job, log } = scripted({ steps: ['im1', { mechanism: 'pager', ask: true }], outcomes: { im1: ok, pager: ok }, answers: [false] });
    expect(await broadcast().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'im1' });
    expect(log).toEqual(['ask', 'skip pager: the sender said no to this step', 'send im1']);
  });
});

describe('escalating', () => {
  it('waits for a receipt where the mechanism gives them, then escalates, asking first where marked', async () => {
    const { job, log } = scripted({
      steps: ['im1', { mechanism: 'im2', verify: { receiptWithinSeconds: 5 } }, { mechanism: 'pager', ask: true }],
      outcomes: { im1: no, im2: no, pager: ok },
      receipts: ['im1', 'im2'],
      answers: [true],
    });
    expect(await escalating().create().deliver(job)).toEqual({ outcome: 'delivered', mechanism: 'pager' });
    expect(log).toEqual(['send im1 (receipt 60s)', 'send im2 (receipt 5s)', 'ask', 'send pager']);
  });

  it('ends as declined when the sender says no', async () => {
    const { job } = scripted({ steps: ['im1', { mechanism: 'pager', ask: true }], outcomes: { im1: no, pager: ok }, answers: [false] });
    expect(await escalating().create().deliver(job)).toEqual({ outcome: 'declined' });
  });
});

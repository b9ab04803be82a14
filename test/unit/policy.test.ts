// The delivery policy and the sequential delivery manager that walks it.
import { describe, expect, it } from 'vitest';
import { computePolicy } from '../../core/delivery/policy';
import sequential from '../../plugins/sequential/index';
import type { DeliveryJob } from '../../shared/delivery';
import type { SendOutcome } from '../../shared/mechanism';

describe('computePolicy', () => {
  it("keeps the configuration's order and only what the recipient has and what is active", () => {
    // The patent's John Smith: IM protocol 2, e-mail and pager; Normal lists IM 2 then pager.
    expect(computePolicy(['email', 'pager', 'im2'], ['im1', 'im2', 'email', 'pager'], ['im2', 'pager'])).toEqual(['im2', 'pager']);
    expect(computePolicy(['im2', 'pager'], ['pager', 'im2'], ['pager', 'im2'])).toEqual(['pager', 'im2']);
  });

  it('leaves out inactive mechanisms and those the recipient has no address on', () => {
    expect(computePolicy(['im1', 'im2'], ['im2'], ['im1', 'im2', 'pager'])).toEqual(['im2']);
    expect(computePolicy(['pager'], ['im1', 'im2'], ['im1', 'im2', 'pager'])).toEqual([]);
    expect(computePolicy([], ['im1'], ['im1'])).toEqual([]);
    expect(computePolicy(['im1'], ['im1'], [])).toEqual([]);
  });

  it('lists a mechanism once even when the configuration repeats it', () => {
    expect(computePolicy(['im1'], ['im1'], ['im1', 'im1'])).toEqual(['im1']);
  });
});

/** A job over scripted outcomes: a stand-in for mechanisms, which the unit level cannot have. */
function scriptedJob(outcomes: Record<string, SendOutcome>, active: () => string[]) {
  const attempts: string[] = [];
  const job: DeliveryJob = {
    messageId: 'm',
    contactName: 'Jane Doe',
    configuration: { name: 'Normal', mechanisms: ['im1', 'im2', 'pager'] },
    policy: () => computePolicy(Object.keys(outcomes), active(), ['im1', 'im2', 'pager']),
    attempt: async (m) => (attempts.push(m), outcomes[m]!),
    log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  return { job, attempts };
}

const failed: SendOutcome = { ok: false, reason: 'refused', final: true };
const accepted: SendOutcome = { ok: true, level: 'accepted' };

describe('sequential delivery manager', () => {
  it('tries the next mechanism when one fails, and stops at the first success', async () => {
    const { job, attempts } = scriptedJob({ im1: failed, im2: accepted, pager: accepted }, () => ['im1', 'im2', 'pager']);
    expect(await sequential().create().deliver(job)).toEqual({ delivered: true, mechanism: 'im2' });
    expect(attempts).toEqual(['im1', 'im2']);
  });

  it('fails with a sentence naming the person, not a mechanism, when all fail', async () => {
    const { job, attempts } = scriptedJob({ im1: failed, pager: failed }, () => ['im1', 'pager']);
    const result = await sequential().create().deliver(job);
    expect(attempts).toEqual(['im1', 'pager']);
    expect(result).toEqual({ delivered: false, reason: 'Jane Doe could not be reached: every way of reaching them failed.' });
  });

  it('says nothing could be tried when no mechanism of the policy is active', async () => {
    const { job, attempts } = scriptedJob({ im1: accepted }, () => []);
    expect(await sequential().create().deliver(job)).toMatchObject({ delivered: false, reason: expect.stringContaining('none of the ways to reach them is connected') });
    expect(attempts).toEqual([]);
  });

  it('asks for the policy again before each attempt, so a mechanism that went down is skipped', async () => {
    let active = ['im1', 'im2', 'pager'];
    const { job, attempts } = scriptedJob({ im1: failed, im2: accepted, pager: accepted }, () => active);
    const attempt = job.attempt;
    const racing: DeliveryJob = {
      ...job,
      attempt: async (m) => {
        const outcome = await attempt(m);
        if (m === 'im1') active = ['im1', 'pager']; // im2 dropped while im1 was being tried
        return outcome;
      },
    };
    expect(await sequential().create().deliver(racing)).toEqual({ delivered: true, mechanism: 'pager' });
    expect(attempts).toEqual(['im1', 'pager']);
  });
});

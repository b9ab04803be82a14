// The delivery policy and the choice of manager and configuration, with example-based and property tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseDelivery, defaultSteps } from '../../core/delivery/choose';
import { computePolicy } from '../../core/delivery/policy';
import { settingsSchema } from '../../shared/settings';

const steps = (...mechanisms: string[]) => defaultSteps(mechanisms);
const names = (s: { mechanism: string }[]) => s.map((x) => x.mechanism);

describe('computePolicy', () => {
  it("keeps the configuration's order and only what the recipient has and what is active", () => {
    // The patent's John Smith: IM protocol 2, e-mail and pager; Normal lists IM 2 then pager.
    expect(names(computePolicy(['email', 'pager', 'im2'], ['im1', 'im2', 'email', 'pager'], steps('im2', 'pager')))).toEqual(['im2', 'pager']);
    expect(names(computePolicy(['im2', 'pager'], ['pager', 'im2'], steps('pager', 'im2')))).toEqual(['pager', 'im2']);
  });

  it('is empty when an intersection is', () => {
    expect(computePolicy(['pager'], ['im1', 'im2'], steps('im1', 'im2', 'pager'))).toEqual([]);
    expect(computePolicy([], ['im1'], steps('im1'))).toEqual([]);
    expect(computePolicy(['im1'], [], steps('im1'))).toEqual([]);
    expect(computePolicy(['im1'], ['im1'], [])).toEqual([]);
  });

  const mechanism = fc.constantFrom<string>('im1', 'im2', 'email', 'pager', 'irc', 'sms');
  const set = fc.uniqueArray(mechanism);
  it('never has a step outside the recipient, the active mechanisms or the configuration (property)', () => {
    fc.assert(
      fc.property(set, set, fc.array(mechanism), (recipient, active, configuration) => {
        const policy = names(computePolicy(recipient, active, steps(...configuration)));
        for (const m of policy) {
          expect(recipient).toContain(m);
          expect(active).toContain(m);
          expect(configuration).toContain(m);
        }
        expect(new Set(policy).size).toBe(policy.length);
        // Nothing that belongs to all three is left out.
        const all = configuration.filter((m) => recipient.includes(m) && active.includes(m));
        expect(new Set(policy)).toEqual(new Set(all));
      }),
    );
  });

  it("keeps the configuration's order (property)", () => {
    fc.assert(
      fc.property(set, set, fc.uniqueArray(mechanism), (recipient, active, configuration) => {
        const policy = names(computePolicy(recipient, active, steps(...configuration)));
        const positions = policy.map((m) => configuration.indexOf(m));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }),
    );
  });
});

describe('chooseDelivery', () => {
  const delivery = settingsSchema.parse({
    delivery: {
      managers: {
        sequential: { configurations: { Normal: ['im2', { mechanism: 'pager', ask: true }], Urgent: ['pager', 'im2'] } },
        broadcast: { configurations: { Everything: ['im1', 'im2', 'pager'] } },
      },
      rules: [{ priority: 'urgent', expiring: true, manager: 'broadcast', configuration: 'Everything' }],
    },
  }).delivery;
  const installed = ['sequential', 'broadcast', 'escalating'];

  it('picks the configuration named after the priority', () => {
    expect(chooseDelivery({ priority: 'normal', expiring: false }, delivery, installed, ['im1'])).toMatchObject({ manager: 'sequential', configuration: { name: 'Normal' } });
    const urgent = chooseDelivery({ priority: 'urgent', expiring: false }, delivery, installed, ['im1'])!;
    expect(urgent.configuration.name).toBe('Urgent');
    expect(names([...urgent.configuration.steps])).toEqual(['pager', 'im2']);
  });

  it('applies the first matching rule, and the sender’s own choice before any rule', () => {
    expect(chooseDelivery({ priority: 'urgent', expiring: true }, delivery, installed, [])).toMatchObject({ manager: 'broadcast', configuration: { name: 'Everything' } });
    expect(chooseDelivery({ priority: 'urgent', expiring: true, manager: 'sequential' }, delivery, installed, [])).toMatchObject({ manager: 'sequential', configuration: { name: 'Urgent' } });
  });

  it('falls back to every mechanism in order for a manager without configurations, and ignores managers not installed', () => {
    const choice = chooseDelivery({ priority: 'normal', expiring: false, manager: 'escalating' }, delivery, installed, ['im1', 'pager'])!;
    expect(choice.manager).toBe('escalating');
    expect(names([...choice.configuration.steps])).toEqual(['im1', 'pager']);
    expect(chooseDelivery({ priority: 'normal', expiring: false, manager: 'gone' }, delivery, installed, [])?.manager).toBe('sequential');
    expect(chooseDelivery({ priority: 'normal', expiring: false }, delivery, [], [])).toBeUndefined();
  });

  it('says why: the sender, the rule that matched (by its place), or the default; and where the configuration came from', () => {
    expect(chooseDelivery({ priority: 'urgent', expiring: true, manager: 'sequential' }, delivery, installed, [])?.why).toEqual({ manager: { by: 'message' }, configuration: 'priority' });
    expect(chooseDelivery({ priority: 'urgent', expiring: true }, delivery, installed, [])?.why).toEqual({ manager: { by: 'rule', index: 0 }, configuration: 'rule' });
    expect(chooseDelivery({ priority: 'normal', expiring: true }, delivery, installed, [])?.why).toEqual({ manager: { by: 'default' }, configuration: 'priority' });
    expect(chooseDelivery({ priority: 'urgent', expiring: false, manager: 'broadcast' }, delivery, installed, ['im1'])?.why).toEqual({ manager: { by: 'message' }, configuration: 'every-mechanism' });
    const normalOnly = settingsSchema.parse({ delivery: { managers: { sequential: { configurations: { Normal: ['im1'] } } } } }).delivery;
    expect(chooseDelivery({ priority: 'urgent', expiring: false }, normalOnly, installed, [])?.why).toEqual({ manager: { by: 'default' }, configuration: 'normal' });
    // A rule for a manager not installed is passed over: the next one that matches is the one named.
    const twoRules = settingsSchema.parse({ delivery: { rules: [{ priority: 'urgent', manager: 'gone' }, { priority: 'urgent', manager: 'broadcast' }] } }).delivery;
    expect(chooseDelivery({ priority: 'urgent', expiring: false }, twoRules, installed, [])?.why?.manager).toEqual({ by: 'rule', index: 1 });
  });

  it('chooses by priority for any priority and rule set (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('normal' as const, 'urgent' as const), fc.boolean(), (priority, expiring) => {
        const choice = chooseDelivery({ priority, expiring }, delivery, installed, ['im1'])!;
        if (priority === 'urgent' && expiring) expect(choice.manager).toBe('broadcast');
        else expect(choice.configuration.name).toBe(priority === 'urgent' ? 'Urgent' : 'Normal');
      }),
    );
  });
});

// "Why this route" in words, over what the real chooseDelivery and computePolicy decide: which rule
// or default chose the manager, and for each account whether it is tried, or why not (no address,
// not connected and why, not in the configuration, listed twice, no such account).
import { describe, expect, it } from 'vitest';
import { chooseDelivery } from '../../core/delivery/choose';
import { computePolicy } from '../../core/delivery/policy';
import { routePreview } from '../../core/delivery/route-preview';
import type { Priority } from '../../shared/domain';
import { settingsSchema } from '../../shared/settings';

const { delivery } = settingsSchema.parse({
  delivery: {
    managers: { sequential: { configurations: { Normal: ['im', 'fax', 'pager', 'im', 'mail'] } }, broadcast: { configurations: { All: ['im', 'mail'] } } },
    rules: [{ priority: 'urgent', expiring: true, manager: 'broadcast', configuration: 'All' }],
  },
});
const installed = ['sequential', 'broadcast'];
const accounts: Record<string, string> = { im: 'XMPP', pager: 'SMS', mail: 'E-mail', irc: 'IRC' };

function preview(priority: Priority, expiring: boolean, manager?: string) {
  const asked = { priority, expiring, ...(manager !== undefined && { manager }) };
  const choice = chooseDelivery(asked, delivery, installed, Object.keys(accounts))!;
  const recipient = ['im', 'pager', 'irc'];
  const active = ['im', 'irc'];
  return routePreview({
    name: 'Frank',
    asked,
    dryRun: { choice, recipient, policy: computePolicy(recipient, active, choice.configuration.steps) },
    rules: delivery.rules,
    managerName: (id) => ({ sequential: 'One after another', broadcast: 'All at once' })[id] ?? id,
    kindName: (m) => accounts[m],
    notConnectedBecause: (m) => (m === 'pager' ? 'Cannot reach the server 127.0.0.1:13013: nothing answers there.' : undefined),
  });
}

describe('routePreview', () => {
  it('says for each account of the configuration, then each other address, why it is in or out', () => {
    const p = preview('normal', false);
    expect(p).toMatchObject({ manager: 'sequential', managerName: 'One after another', configuration: 'Normal' });
    expect(p.chosenBecause).toBe('The default: no rule applies, so One after another delivers it. Its configuration “Normal” is the one named after the priority.');
    expect(p.steps.map((s) => [s.mechanism, s.kindName, s.verdict, s.why])).toEqual([
      ['im', 'XMPP', 'included', 'Tried: Frank has an address there and it is connected.'],
      ['fax', 'No such account', 'no-address', 'There is no account “fax” in Settings.'],
      ['pager', 'SMS', 'not-connected', 'Not connected now: Cannot reach the server 127.0.0.1:13013: nothing answers there.'],
      ['im', 'XMPP', 'repeated', 'Listed again: only its first place in the configuration counts.'],
      ['mail', 'E-mail', 'no-address', 'Frank has no address there.'],
      ['irc', 'IRC', 'not-in-configuration', 'Frank has an address there, but this configuration does not use it.'],
    ]);
    expect(p.steps[0]?.step).toEqual({ mechanism: 'im', parallelWithNext: false, verify: 'accepted', ask: false });
  });

  it('names the rule, the sender’s choice, and a chosen manager that is not installed', () => {
    expect(preview('urgent', true).chosenBecause).toBe('The rule for urgent messages that expire chose All at once. The rule names its configuration “All”.');
    expect(preview('normal', false, 'broadcast').chosenBecause).toBe(
      'You chose All at once. No configuration is written for it, so every account is tried in the order they are set up.',
    );
    expect(preview('normal', false, 'gone').chosenBecause).toMatch(/^gone is not installed, so it cannot be used\. The default: /);
  });
});

// The delivery settings form: the file's short forms come back expanded, and a form that names an
// account the settings do not have, a configuration without steps, or a rule whose manager or
// configuration does not exist is refused with a sentence naming it.
import { describe, expect, it } from 'vitest';
import { deliverySettingsProblems, deliverySettingsView, type DeliveryFormContext } from '../../core/delivery/settings-form';
import { deliverySettings } from '../../shared/settings';

const context: DeliveryFormContext = {
  installed: [
    { id: 'sequential', name: 'One after another' },
    { id: 'broadcast', name: 'All at once' },
  ],
  accounts: [
    { id: 'im', kindName: 'XMPP' },
    { id: 'pager', kindName: 'SMS' },
  ],
};

describe('delivery settings form', () => {
  it('expands steps written as a bare account, and lists what the form offers', () => {
    const delivery = deliverySettings.parse({ managers: { sequential: { configurations: { Normal: ['im', { mechanism: 'pager', ask: true }] } } }, rules: [{ priority: 'urgent', manager: 'broadcast' }] });
    expect(deliverySettingsView(delivery, context)).toEqual({
      managers: {
        sequential: {
          configurations: {
            Normal: [
              { mechanism: 'im', parallelWithNext: false, verify: 'accepted', ask: false },
              { mechanism: 'pager', parallelWithNext: false, verify: 'accepted', ask: true },
            ],
          },
        },
      },
      rules: [{ priority: 'urgent', manager: 'broadcast' }],
      waitNoticeMinutes: 10,
      installed: context.installed,
      mechanisms: context.accounts,
    });
    expect(deliverySettingsProblems(delivery, context)).toEqual([]);
  });

  it('refuses, in words, a step naming no account, an empty configuration, and rules naming what does not exist', () => {
    const delivery = deliverySettings.parse({
      managers: { sequential: { configurations: { Normal: ['im', 'fax'], Urgent: [] } }, 'not-installed': { configurations: { Kept: ['im'] } } },
      rules: [{ manager: 'gone' }, { manager: 'sequential', configuration: 'Weekend' }, { manager: 'broadcast', configuration: 'Everything' }, { manager: 'not-installed', configuration: 'Kept' }],
    });
    expect(deliverySettingsProblems(delivery, context)).toEqual([
      'The configuration “Normal” of One after another names the account “fax”, which is not in Settings: choose one of your accounts.',
      'The configuration “Urgent” of One after another has no step: add an account to it, or remove it.',
      'Rule 1 names the delivery manager “gone”, which is neither installed nor configured: choose another.',
      'Rule 2 names the configuration “Weekend”, which One after another does not have: choose one of its configurations.',
      'Rule 3 names the configuration “Everything”, which All at once does not have: choose one of its configurations.',
    ]);
  });
});

// Names from outside (the settings file, a request, the database) index only what the file itself
// holds: "constructor", "__proto__" or "toString" never reach Object's own members.
import { describe, expect, it } from 'vitest';
import { ContactDirectory } from '../../core/contacts/directory';
import { chooseDelivery } from '../../core/delivery/choose';
import { valueAt, withValueAt } from '../../shared/account-fields';
import { settingsSchema } from '../../shared/settings';

const objectNames = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('names that every object has', () => {
  it('do not resolve to Object’s members as a configuration or a delivery manager', () => {
    const { delivery } = settingsSchema.parse({
      delivery: { managers: { sequential: { configurations: { Normal: ['im'] } } }, rules: [{ manager: 'sequential', configuration: 'constructor' }] },
    });
    const choice = chooseDelivery({ priority: 'normal', expiring: false }, delivery, ['sequential'], ['im']);
    expect(choice).toMatchObject({ manager: 'sequential', configuration: { name: 'Normal', steps: [{ mechanism: 'im', parallelWithNext: false, verify: 'accepted', ask: false }] } });
    for (const name of objectNames) {
      // A delivery-manager plugin may be called so; with no configurations it uses every mechanism.
      const plugin = chooseDelivery({ priority: 'normal', expiring: false, manager: name, configuration: name }, delivery, [name], ['im']);
      expect(plugin).toMatchObject({ manager: name, configuration: { name: 'Normal', steps: [{ mechanism: 'im', parallelWithNext: false, verify: 'accepted', ask: false }] } });
    }
  });

  it('are no mechanism a contact has an address on', () => {
    const contacts = new ContactDirectory(settingsSchema.parse({ contacts: [{ id: 'jerry', name: 'Jerry', addresses: { im: 'jerry@example.test' } }] }).contacts, (_, a) => a);
    for (const name of objectNames) {
      expect(contacts.address('jerry', name)).toBeUndefined();
      expect(contacts.addressesOn(name)).toEqual([]);
      expect(contacts.byAddress(name, 'jerry@example.test')).toEqual([]);
    }
  });

  it('are read and written as plain keys of an account', () => {
    const account = JSON.parse('{"sasl": {"password": "x"}}') as Record<string, unknown>;
    for (const name of objectNames) expect(valueAt(account, `sasl.${name}`)).toBeUndefined();
    const written = withValueAt({}, '__proto__.polluted', 'yes');
    expect(Object.getPrototypeOf(written)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(valueAt(written, '__proto__.polluted')).toBe('yes');
  });
});

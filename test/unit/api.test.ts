// The renderer API is built from the contract's names: named functions, no generic invoke.
import { describe, expect, it } from 'vitest';
import { buildApi, type Transport } from '../../shared/api';
import { eventNames, requestNames } from '../../shared/contract';

describe('buildApi', () => {
  it('gives each request and event a named function that carries its own name', async () => {
    const calls: [string, unknown][] = [];
    const subscriptions: string[] = [];
    const transport: Transport = {
      invoke: async (name, input) => (calls.push([name, input]), { ok: true, value: name }),
      subscribe: (name) => (subscriptions.push(name), () => undefined),
    };
    const api = buildApi(transport);
    expect(await api.contacts.list({})).toEqual({ ok: true, value: 'contacts:list' });
    await api.messages.send({ contactId: 'a', body: 'b' });
    expect(calls).toEqual([
      ['contacts:list', {}],
      ['messages:send', { contactId: 'a', body: 'b' }],
    ]);
    api.contacts.onChanged(() => undefined);
    api.delivery.onFailed(() => undefined);
    expect(subscriptions).toEqual(['contacts:changed', 'delivery:failed']);
    const names = Object.entries(api).flatMap(([domain, fns]) => Object.keys(fns).map((fn) => `${domain}.${fn}`));
    // Exactly the contract's names, and nothing else (no generic invoke, send or on).
    const expected = [
      ...requestNames.map((n) => n.replace(':', '.')),
      ...eventNames.map((n) => n.replace(/:(.)/, (_, c: string) => `.on${c.toUpperCase()}`)),
    ];
    expect(names.sort()).toEqual(expected.sort());
  });
});

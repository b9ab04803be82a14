// Names and reasons from outside, inside sentences the core builds: a right-to-left override in a
// contact's name must not reorder the rest of Switchboard's own sentence.
import { afterEach, describe, expect, it } from 'vitest';
import { isolate } from '../../shared/bidi';
import { startCore, type CoreHarness } from '../harness/core-harness';

const FSI = '\u2068';
const PDI = '\u2069';

describe('isolate', () => {
  it('leaves plain left-to-right text as it is', () => {
    expect(isolate('Jane Doe')).toBe('Jane Doe');
    expect(isolate('Zoë Müller-Łukasz')).toBe('Zoë Müller-Łukasz');
  });

  it('isolates overrides, embeddings and right-to-left scripts', () => {
    for (const text of ['abc\u202Edef', '\u202Bx', 'x\u2067y', 'שלום', 'مرحبا', 'a\u200Fb']) expect(isolate(text)).toBe(`${FSI}${text}${PDI}`);
  });
});

describe('sentences about a person', () => {
  let harness: CoreHarness | undefined;
  afterEach(async () => harness?.stop());

  it('isolate the name in the failure told to the sender', async () => {
    // Nobody can carry a message to this contact: there is no account on the mechanism of their address.
    const name = 'Eve \u202Egnirts';
    harness = startCore({ contacts: [{ id: 'eve', name, addresses: { xmpp: 'eve@example.org' } }] }, { settleMs: 0 });
    const sent = await harness.call('messages:send', { contactId: 'eve', body: 'hello', priority: 'normal' });
    expect(sent.state).toBe('sending');
    const failure = await harness.event('delivery:failed');
    expect(failure.reason).toBe(`${FSI}${name}${PDI} cannot be reached right now: none of the ways to reach them is connected.`);
  });
});

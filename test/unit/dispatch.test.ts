// The contract's runtime validation: whatever a renderer sends, the main side answers with a Result.
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../core/ipc/dispatch';
import { NotFoundError, type Handlers } from '../../core/ipc/handlers';
import type { MessageView } from '../../shared/domain';

const sent: MessageView = { id: 'm1', contactId: 'alice', direction: 'out', body: 'hi', state: 'sending', at: 1, priority: 'normal' };
const handlers: Handlers = {
  'app:state': () => ({ problems: [] }),
  'app:dismissKeychainNotice': () => ({ problems: [] }),
  'contacts:list': () => [{ id: 'alice', name: 'Alice', glyph: 'available' }],
  'messages:list': ({ contactId }) => {
    if (contactId === 'ghost') throw new NotFoundError('There is no contact ghost.');
    if (contactId === 'boom') throw new Error('disk on fire');
    return [];
  },
  'messages:send': ({ body, priority }) => ({ ...sent, body, priority }),
  'messages:sendMany': ({ contactIds, body }) => contactIds.map((contactId) => ({ ...sent, contactId, body })),
  'messages:retry': () => sent,
  'messages:cancel': () => sent,
  'mechanisms:list': () => [],
  'accounts:kinds': () => [],
  'accounts:save': () => [],
  'accounts:remove': () => [],
  'delivery:managers': () => [],
  'plugins:list': () => [],
  'plugins:retry': () => [],
  'delivery:prompts': () => [],
  'delivery:answer': () => null,
  'diagnostics:list': () => [],
  'strangers:list': () => ({ people: [], total: 0 }),
  'strangers:accept': ({ name }) => ({ id: 'x', name, glyph: 'none' }),
  'strangers:ignore': () => null,
  'contacts:details': ({ contactId }) => ({ id: contactId, name: 'Alice', addresses: [] }),
  'contacts:save': ({ contactId, name }) => ({ id: contactId ?? 'new', name, addresses: [] }),
  'contacts:remove': () => null,
  'contacts:merge': ({ into }) => ({ id: into, name: 'Alice', addresses: [] }),
  'contacts:suggestions': () => [],
  'contacts:acceptSuggestion': () => ({ id: 'alice', name: 'Alice', addresses: [] }),
  'contacts:dismissSuggestion': () => null,
  'conversations:summaries': () => [],
  'conversations:read': () => null,
  'accounts:list': () => [],
  'accounts:setEnabled': () => [],
  'accounts:reconnect': () => [],
  'delivery:settings': () => ({ managers: {}, rules: [], waitNoticeMinutes: 10, installed: [], mechanisms: [] }),
  'delivery:saveSettings': () => ({ managers: {}, rules: [], waitNoticeMinutes: 10, installed: [], mechanisms: [] }),
  'delivery:preview': () => ({ manager: 'sequential', managerName: 'Sequential', configuration: 'Normal', chosenBecause: 'The default', steps: [] }),
};

describe('dispatch', () => {
  it('runs a valid request and returns its value', async () => {
    expect(await dispatch(handlers, 'contacts:list', {})).toEqual({ ok: true, value: [{ id: 'alice', name: 'Alice', glyph: 'available' }] });
    expect(await dispatch(handlers, 'messages:send', { contactId: 'alice', body: '  hello  ' })).toMatchObject({ ok: true, value: { body: 'hello', priority: 'normal' } });
    expect(await dispatch(handlers, 'messages:send', { contactId: 'alice', body: 'x', priority: 'urgent' })).toMatchObject({ ok: true, value: { priority: 'urgent' } });
  });

  it('answers an unknown request name with unknown-request', async () => {
    for (const name of ['contacts:delete', '', 42, null, '__proto__', 'constructor', 'toString']) {
      expect(await dispatch(handlers, name, {})).toMatchObject({ ok: false, error: { code: 'unknown-request' } });
    }
  });

  it('answers a malformed payload with invalid-payload naming the field', async () => {
    const cases: unknown[] = [
      { contactId: 'alice' },
      { contactId: 'alice', body: '   ' },
      { contactId: 'alice', body: 7 },
      { contactId: '', body: 'x' },
      { contactId: 'alice', body: 'x', extra: true },
      { contactId: 'alice', body: 'x'.repeat(20_001) },
      { contactId: 'alice', body: 'x', priority: 'whenever' },
      { contactId: 'alice', body: 'x', expiresInSeconds: -5 },
      { contactId: 'alice', body: 'x', expiresInSeconds: 1.5 },
      'not an object',
      [1, 2],
      42,
    ];
    for (const payload of cases) {
      const result = await dispatch(handlers, 'messages:send', payload);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
    const missing = await dispatch(handlers, 'messages:send', { contactId: 'alice' });
    expect(!missing.ok && missing.error.message).toBe('The message is missing.');
    // What the window shows is a sentence, never zod's path or wording.
    const long = await dispatch(handlers, 'messages:send', { contactId: 'alice', body: 'x'.repeat(20_001), extra: true });
    expect(!long.ok && long.error.message).toBe('The message is longer than 20000 characters; "extra" is not a setting Switchboard knows (misspelled?).');
    const empty = await dispatch(handlers, 'messages:send', { contactId: 'alice', body: ' ' });
    expect(!empty.ok && empty.error.message).toMatch(/cannot be empty/);
  });

  it('turns a thrown handler error into a Result, never a rejection', async () => {
    expect(await dispatch(handlers, 'messages:list', { contactId: 'ghost' })).toEqual({ ok: false, error: { code: 'not-found', message: 'There is no contact ghost.' } });
    const errors: string[] = [];
    const result = await dispatch(handlers, 'messages:list', { contactId: 'boom' }, { info: () => {}, warn: () => {}, error: (m) => errors.push(m) });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('disk on fire') } });
    expect(errors).toHaveLength(1);
  });

  it('treats a missing payload as empty, so requests without input need none', async () => {
    expect(await dispatch(handlers, 'app:state', undefined)).toEqual({ ok: true, value: { problems: [] } });
  });
});

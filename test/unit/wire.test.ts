// The browser host's WebSocket frames as the page reads them: answers, a turn's events in order, and
// anything else dropped without a throw.
import { describe, expect, it } from 'vitest';
import { readFrame } from '../../shared/wire';

describe('readFrame', () => {
  it('reads an answer and a turn of events, in order', () => {
    expect(readFrame('{"id":3,"result":{"ok":true,"value":1}}')).toEqual({ id: 3, result: { ok: true, value: 1 } });
    expect(readFrame('{"id":null,"result":{"ok":false,"error":{"code":"invalid-payload","message":"x"}}}')).toMatchObject({ id: null });
    const frame = readFrame('{"events":[{"event":"messages:changed","payload":{"id":"a"}},{"event":"contacts:presence","payload":[]}]}');
    expect(frame && 'events' in frame && frame.events.map((e) => e.event)).toEqual(['messages:changed', 'contacts:presence']);
  });

  it('drops what is not a frame, and events without a name', () => {
    for (const text of ['not json', 'null', '42', '"text"', '{"id":"1","result":{}}', '{"id":1}', '{}']) expect(readFrame(text), text).toBeUndefined();
    expect(readFrame('{"events":[{"payload":1},null,{"event":"messages:changed","payload":2}]}')).toEqual({ events: [{ event: 'messages:changed', payload: 2 }] });
  });
});

// The browser host: serves the renderer on 127.0.0.1 with a strict CSP, and carries the contract over
// a WebSocket that only our page (right Origin, right per-launch token) may open.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../core/app';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import { startBrowserHost, type BrowserHost } from '../../host/server';
import sequential from '../../plugins/sequential/index';
import xmpp from '../../plugins/xmpp/index';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('browser host', () => {
  let host: BrowserHost;
  let core: Core;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-host-'));
    const rendererDir = path.join(dir, 'renderer');
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
    // Jane has only an address on a mechanism with no account: nothing can reach her.
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ contacts: [{ id: 'jane', name: 'Jane Doe', addresses: { xmpp: 'jane@example.org' } }] }));
    core = createCore({ settings: confSettingsBackend(dir), dataDir: dir, mechanisms: [xmpp()], deliveryManagers: [sequential()], log: quiet });
    core.start();
    host = await startBrowserHost({ core, rendererDir, log: quiet });
  });
  afterAll(async () => {
    await host?.close();
    await core?.stop();
  });

  const open = (url: string, origin?: string) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('error', () => undefined); // a refused handshake also reports an error; the status is what we check
    return ws;
  };
  const ipcUrl = (token: string) => `${host.origin.replace('http', 'ws')}/ipc?token=${encodeURIComponent(token)}`;
  const refusal = async (ws: WebSocket) => {
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    return response.statusCode;
  };

  it('listens on 127.0.0.1 only and serves the page with a strict CSP', async () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${host.origin}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect((await fetch(`${host.origin}/../secret.txt`)).status).toBe(404);
    expect((await fetch(`${host.origin}/%2e%2e/secret.txt`)).status).toBe(404);
  });

  it('refuses a request made under another host name (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      http.get(`${host.origin}/`, { headers: { host: 'evil.example:80' } }, (res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(421);
  });

  it('refuses a WebSocket without the right token or from another origin', async () => {
    expect(await refusal(open(ipcUrl('wrong-token'), host.origin))).toBe(401);
    expect(await refusal(open(ipcUrl(''), host.origin))).toBe(401);
    expect(await refusal(open(ipcUrl(host.token), 'http://evil.example'))).toBe(403);
    expect(await refusal(open(ipcUrl(host.token)))).toBe(403);
  });

  it('answers requests, including malformed ones, with Results, and pushes events', async () => {
    const ws = open(ipcUrl(host.token), host.origin);
    await once(ws, 'open');
    const inbox: { id?: number | null; result?: unknown; event?: string; payload?: unknown }[] = [];
    const arrivals: typeof inbox = []; // everything, in the order it came
    const arrived = new (await import('node:events')).EventEmitter();
    ws.on('message', (data) => {
      // Events come a turn's worth to a frame (shared/wire.ts): each is looked at on its own.
      const frame = JSON.parse(data.toString()) as (typeof inbox)[number] & { events?: (typeof inbox)[number][] };
      inbox.push(...(frame.events ?? [frame]));
      arrivals.push(...(frame.events ?? [frame]));
      arrived.emit('message');
    });
    const next = async (match: (m: (typeof inbox)[number]) => boolean) => {
      for (;;) {
        const i = inbox.findIndex(match);
        if (i >= 0) return inbox.splice(i, 1)[0]!;
        await once(arrived, 'message', { signal: AbortSignal.timeout(10_000) });
      }
    };

    ws.send('this is not JSON');
    expect((await next((m) => m.id === null)).result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    ws.send(JSON.stringify({ id: 1, name: 'contacts:list', payload: {} }));
    expect((await next((m) => m.id === 1)).result).toEqual({ ok: true, value: [{ id: 'jane', name: 'Jane Doe', glyph: 'none' }] });
    ws.send(JSON.stringify({ id: 2, name: 'settings:erase', payload: {} }));
    expect((await next((m) => m.id === 2)).result).toMatchObject({ ok: false, error: { code: 'unknown-request' } });
    ws.send(JSON.stringify({ id: 3, name: 'messages:send', payload: { contactId: 'jane', body: 42 } }));
    expect((await next((m) => m.id === 3)).result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    ws.send(JSON.stringify({ id: 4, name: 'messages:send', payload: { contactId: 'nobody', body: 'hi' } }));
    expect((await next((m) => m.id === 4)).result).toMatchObject({ ok: false, error: { code: 'not-found' } });

    // A message nobody can carry: stored, then failed, and the sender is told in plain words.
    ws.send(JSON.stringify({ id: 5, name: 'messages:send', payload: { contactId: 'jane', body: 'are you there?' } }));
    const answer = await next((m) => m.id === 5);
    expect(answer.result).toMatchObject({ ok: true, value: { state: 'sending', body: 'are you there?' } });
    // The answer never overtakes the events raised before it: the page has the message before it is told it was kept.
    const shown = arrivals.findIndex((m) => m.event === 'messages:changed' && (m.payload as { body?: string }).body === 'are you there?');
    expect(shown, 'the message was told before the answer').toBeGreaterThanOrEqual(0);
    expect(shown).toBeLessThan(arrivals.indexOf(answer));
    const failedEvent = await next((m) => m.event === 'delivery:failed');
    expect(failedEvent.payload).toMatchObject({ contactId: 'jane', contactName: 'Jane Doe', reason: 'Jane Doe cannot be reached right now: none of the ways to reach them is connected.' });
    expect((await next((m) => m.event === 'messages:changed' && (m.payload as { state: string }).state === 'failed')).payload).toMatchObject({ body: 'are you there?' });
    ws.send(JSON.stringify({ id: 6, name: 'messages:list', payload: { contactId: 'jane' } }));
    expect((await next((m) => m.id === 6)).result).toMatchObject({ ok: true, value: [{ body: 'are you there?', state: 'failed' }] });
    ws.close();
  });
});

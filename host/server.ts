// The browser host: serves the built renderer and carries the IPC contract over a WebSocket, on
// 127.0.0.1 only. A random token made at each launch (given to the page in the URL's fragment, which
// browsers never send to servers) and an Origin check keep other pages and other users' processes out.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventNames } from '../shared/contract';
import { fail } from '../shared/result';
import { describeIssues } from '../shared/settings';
import type { Logger } from '../shared/mechanism';
import type { Core } from '../core/app';
import { dispatch } from '../core/ipc/dispatch';
import { requestEnvelope } from './envelope';

export interface BrowserHostOptions {
  readonly core: Pick<Core, 'handlers' | 'events'>;
  readonly rendererDir: string;
  readonly port?: number;
  readonly log: Logger;
}

export interface BrowserHost {
  /** The address to open, with the token in its fragment. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

function csp(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core, log } = options;
  const rendererDir = path.resolve(options.rendererDir);
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error(`no built renderer in ${rendererDir}; run npm run build`);
  const token = randomBytes(32).toString('base64url');
  let origin = '';

  const server = http.createServer((req, res) => {
    // The Host check defeats DNS rebinding: a page on another name that resolves here is refused.
    if (req.headers.host !== new URL(origin).host) {
      res.writeHead(421).end('Misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
    const file = path.resolve(rendererDir, `.${pathname === '/' ? '/index.html' : pathname}`);
    if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': csp(origin),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (req, socket: Duplex, head) => {
    const url = new URL(req.url ?? '/', origin);
    const refuse = (status: number, why: string) => {
      log.warn(`refused a WebSocket connection: ${why}`);
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== '/ipc') return refuse(404, 'unknown path');
    if (req.headers.origin !== origin) return refuse(403, `origin ${JSON.stringify(req.headers.origin ?? null)}`);
    if (req.headers.host !== new URL(origin).host) return refuse(403, 'host');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(401, 'bad token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', (error) => log.warn(`WebSocket error: ${error.message}`));
      ws.on('message', (data, isBinary) => void answer(ws, data.toString(), isBinary));
    });
  });

  async function answer(ws: WebSocket, text: string, isBinary: boolean): Promise<void> {
    let envelope;
    try {
      envelope = requestEnvelope.safeParse(isBinary ? undefined : JSON.parse(text));
    } catch {
      envelope = undefined;
    }
    if (!envelope?.success) {
      const why = envelope && !envelope.success ? describeIssues(envelope.error) : 'not JSON';
      ws.send(JSON.stringify({ id: null, result: fail('invalid-payload', `malformed request (${why})`) }));
      return;
    }
    const { id, name, payload } = envelope.data;
    const result = await dispatch(core.handlers, name, payload, log);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
  }

  const unsubscribe = eventNames.map((name) =>
    core.events.on(name, (payload: unknown) => {
      const text = JSON.stringify({ event: name, payload });
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the browser host could not listen');
  origin = `http://127.0.0.1:${address.port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    async close() {
      for (const off of unsubscribe) off();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

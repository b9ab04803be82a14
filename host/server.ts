// The browser host: serves the built renderer and carries the IPC contract over a WebSocket, on
// 127.0.0.1 only. A random token made at each launch (given to the page in the URL's fragment, which
// browsers never send to servers) and an Origin check keep other pages and other users' processes out.
// Anyone on this machine can send it anything: garbage is answered with a 4xx or a closed socket, never a throw.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { eventNames } from '../shared/contract';
import { fail, type Result } from '../shared/result';
import type { WireEvent } from '../shared/wire';
import { describeIssues } from '../shared/settings';
import type { Logger } from '../shared/mechanism';
import type { Core } from '../core/app';
import { dispatch } from '../core/ipc/dispatch';
import { requestEnvelope } from './envelope';
import { answerClientError, endWith, requestTarget } from './outside-input';
import { contentSecurityPolicy, withMetaPolicy } from './page';

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

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Requests one connection may have in flight (answered but not yet written out) before it is read no further. */
const MAX_IN_FLIGHT = 64;
/** Unread answers and events a page may leave queued before it counts as gone. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function plain(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers }).end(`${text}\n`);
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core, log } = options;
  const rendererDir = path.resolve(options.rendererDir);
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error(`no built renderer in ${rendererDir}; run npm run build`);
  const token = randomBytes(32).toString('base64url');
  let origin = '';
  let hostHeader = '';

  /** Answers one plain HTTP request; may reject, and the caller turns that into a 500. */
  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // The Host check defeats DNS rebinding: a page on another name that resolves here is refused.
    if (req.headers.host !== hostHeader) return plain(res, 421, `Misdirected request: this server answers only to ${hostHeader}.`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Only GET and HEAD are answered here.', { Allow: 'GET, HEAD' });
    const target = requestTarget(req.url, origin);
    if (!target) return plain(res, 400, 'Bad request: the address could not be read.');
    const file = path.resolve(rendererDir, `.${target.pathname === '/' ? '/index.html' : target.pathname}`);
    const stat = file.startsWith(rendererDir + path.sep) ? await fs.promises.stat(file).catch(() => undefined) : undefined;
    if (!stat?.isFile()) return plain(res, 404, 'Not found.');
    const headers = {
      'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': contentSecurityPolicy(origin),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    if (path.extname(file) === '.html') {
      const page = Buffer.from(withMetaPolicy(await fs.promises.readFile(file, 'utf8'), contentSecurityPolicy(origin, { meta: true })));
      res.writeHead(200, { ...headers, 'Content-Length': page.length }).end(req.method === 'HEAD' ? undefined : page);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': stat.size });
    if (req.method === 'HEAD') res.end();
    else await pipeline(fs.createReadStream(file), res);
  }

  const server = http.createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      // A client that went away mid-answer is no fault of ours.
      if (res.destroyed || (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      log.error(`could not answer ${JSON.stringify(req.url)?.slice(0, 200)}: ${describe(error)}`);
      if (res.headersSent) res.destroy();
      else plain(res, 500, 'Switchboard could not answer this request; see its log.');
    });
  });
  server.on('clientError', answerClientError);
  // CONNECT asks for a proxy, which this is not.
  server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    endWith(socket, 405);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<WebSocket>();

  function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, why: string) => {
      log.warn(`refused a WebSocket connection: ${why}`);
      endWith(socket, status);
    };
    if (req.headers.host !== hostHeader) return refuse(403, 'host');
    const target = requestTarget(req.url, origin);
    if (!target) return refuse(400, 'unreadable address');
    if (target.pathname !== '/ipc') return refuse(404, 'unknown path');
    if (req.headers.origin !== origin) return refuse(403, `origin ${JSON.stringify(req.headers.origin ?? null)?.slice(0, 200)}`);
    if (!sameToken(target.searchParams.get('token'), token)) return refuse(401, 'bad token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      let inFlight = 0;
      ws.on('close', () => {
        clients.delete(ws);
        queued.delete(ws);
      });
      ws.on('error', (error) => log.warn(`WebSocket error: ${error.message}`));
      ws.on('message', (data, isBinary) => {
        // Backpressure: a page that sends faster than it reads its answers is read no further until it catches up.
        if (++inFlight >= MAX_IN_FLIGHT) ws.pause();
        const done = () => {
          if (--inFlight < MAX_IN_FLIGHT && ws.isPaused) ws.resume();
        };
        answer(data, isBinary)
          .then((reply) => {
            flushEventsOf(ws);
            send(ws, reply, done);
          })
          .catch((error: unknown) => {
            log.error(`could not answer a WebSocket request: ${describe(error)}`);
            done();
          });
      });
    });
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node leaves an upgraded socket with no 'error' listener: a peer's reset would otherwise crash the process.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (error) {
      log.error(`could not handle a WebSocket upgrade: ${describe(error)}`);
      endWith(socket, 400);
    }
  });

  /** Sends to one page; one that has left too much unread is closed rather than held in memory. */
  function send(ws: WebSocket, text: string, sent: () => void = () => undefined): void {
    if (ws.readyState !== ws.OPEN) return sent();
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log.warn('closed a WebSocket whose page did not read its answers');
      ws.terminate();
      return sent();
    }
    ws.send(text, () => sent());
  }

  /** The answer to one WebSocket message, as text: garbage gets an error result, never an exception. */
  async function answer(data: RawData, isBinary: boolean): Promise<string> {
    const reply = (id: number | null, result: Result<unknown>) => JSON.stringify({ id, result });
    if (isBinary) return reply(null, fail('invalid-payload', 'malformed request (binary messages are not read; send JSON text)'));
    let message: unknown;
    try {
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
    } catch {
      return reply(null, fail('invalid-payload', 'malformed request (not JSON)'));
    }
    const envelope = requestEnvelope.safeParse(message);
    if (!envelope.success) {
      // A request whose id can be read is answered under that id, so the page's caller is not left waiting.
      const id = (message as { id?: unknown } | null)?.id;
      const known = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
      return reply(known, fail('invalid-payload', `malformed request (${describeIssues(envelope.error)})`));
    }
    const { id, name, payload } = envelope.data;
    const result = await dispatch(core.handlers, name, payload, log);
    try {
      return reply(id, result);
    } catch (error) {
      log.error(`the answer to ${name} could not be written: ${describe(error)}`);
      return reply(id, fail('internal', `${name} failed: its answer could not be written.`));
    }
  }

  // Events go out once per turn, together (shared/wire.ts). Each is written as JSON once, whatever the number of pages.
  const queued = new Map<WebSocket, string[]>();
  /** Sends a page the events queued for it; before an answer too, which must not overtake the events raised before it. */
  const flushEventsOf = (ws: WebSocket) => {
    const parts = queued.get(ws);
    if (!parts) return;
    queued.delete(ws);
    send(ws, `{"events":[${parts.join(',')}]}`);
  };
  const flushEvents = () => {
    for (const ws of [...queued.keys()]) flushEventsOf(ws);
  };
  const unsubscribe = eventNames.map((name) =>
    core.events.on(name, (payload: unknown) => {
      let text: string;
      try {
        text = JSON.stringify({ event: name, payload } satisfies WireEvent);
      } catch (error) {
        log.error(`the event ${name} could not be written: ${describe(error)}`);
        return;
      }
      // The first event of a turn schedules the turn's send (nothing was queued before it).
      if (clients.size && !queued.size) process.nextTick(flushEvents);
      for (const ws of clients) {
        const parts = queued.get(ws);
        if (parts) parts.push(text);
        else queued.set(ws, [text]);
      }
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, errors (such as running out of file descriptors on accept) are logged, never thrown.
  server.on('error', (error) => log.error(`the browser host's server: ${error.message}`));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the browser host could not listen');
  origin = `http://127.0.0.1:${address.port}`;
  hostHeader = `127.0.0.1:${address.port}`;

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

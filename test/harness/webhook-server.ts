// A small HTTP server on loopback that records every POST made to it, for the webhook mechanism
// plugin's tests: it answers 200, or the status its path names (/status/500).
import http from 'node:http';
import type net from 'node:net';

export interface Post {
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly json: Record<string, unknown>;
}

export interface WebhookServer {
  /** http://127.0.0.1:<port> */
  readonly base: string;
  readonly posts: readonly Post[];
  /** Resolves with the first POST (already come or to come) that matches. */
  post(match: (p: Post) => boolean): Promise<Post>;
  stop(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const posts: Post[] = [];
  const arrived: (() => void)[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      posts.push({ url: request.url ?? '', headers: request.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') });
      for (const wake of arrived.splice(0)) wake();
      response.statusCode = Number(/\/status\/(\d+)/.exec(request.url ?? '')?.[1] ?? 200);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    posts,
    async post(match) {
      for (;;) {
        const found = posts.find(match);
        if (found) return found;
        await new Promise<void>((resolve) => arrived.push(resolve));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

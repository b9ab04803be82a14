// A TCP proxy on loopback between a client and a server, which a test can make hold the client's
// bytes (a slow network) or cut every connection (a dropped network), with the server still up.
import { EventEmitter } from 'node:events';
import net from 'node:net';

export interface TcpProxy extends EventEmitter {
  readonly port: number;
  /** Stops passing the client's bytes on; emits 'held' when some are waiting. */
  hold(): void;
  /** Stops passing the server's bytes on (its acks never reach the client); release() passes them. */
  holdReplies(): void;
  release(): void;
  /** Drops every connection through the proxy, as a network failure does. */
  cut(): void;
  /**
   * Drops the next connection once the server has sent it `chunks` reads' worth of bytes: a cut at a
   * chosen step of a handshake (TLS, signing in, resuming) that a timer could not aim at.
   */
  cutNextAfter(chunks: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>();
  let holding = false;
  let holdingReplies = false;
  const waiting: { server: net.Socket; data: Buffer }[] = [];
  const waitingReplies: { client: net.Socket; data: Buffer }[] = [];
  let cutAfter: number | undefined;
  const proxy = new EventEmitter() as TcpProxy;
  const listener = net.createServer((client) => {
    const server = net.connect(targetPort, '127.0.0.1');
    const pair = { client, server };
    pairs.add(pair);
    const limit = cutAfter;
    cutAfter = undefined;
    let replies = 0;
    client.on('data', (data: Buffer) => {
      if (holding) {
        waiting.push({ server, data });
        proxy.emit('held');
      } else server.write(data);
    });
    server.on('data', (data: Buffer) => {
      if (holdingReplies) waitingReplies.push({ client, data });
      else client.write(data);
      if (limit !== undefined && ++replies >= limit) setImmediate(() => (client.destroy(), server.destroy()));
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('close', end).on('error', end);
    server.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(proxy, {
    port: (listener.address() as net.AddressInfo).port,
    hold: () => void (holding = true),
    holdReplies: () => void (holdingReplies = true),
    release: () => {
      holding = false;
      holdingReplies = false;
      for (const { client, data } of waitingReplies.splice(0)) if (!client.destroyed) client.write(data);
      for (const { server, data } of waiting.splice(0)) if (!server.destroyed) server.write(data);
    },
    cutNextAfter: (chunks: number) => void (cutAfter = chunks),
    cut: () => {
      for (const { client, server } of pairs) {
        client.destroy();
        server.destroy();
      }
      pairs.clear();
    },
    close: async () => {
      proxy.cut();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  });
}

// Free loopback ports for servers the tests start.
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when something accepts connections on the port, or rejects after `ms`. */
export async function waitForPort(port: number, ms: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (!isAlive()) throw new Error(`the server meant for port ${port} exited`);
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${ms} ms`);
    // Polling a port has no event to wait on; 50 ms between connection attempts.
    await new Promise((r) => setTimeout(r, 50));
  }
}

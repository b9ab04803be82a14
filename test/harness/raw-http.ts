// Raw TCP clients for the fuzz tests: bytes that no well-behaved HTTP or WebSocket client would send,
// and a reading of whatever comes back (the status line, WebSocket frames, or a closed socket).
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

export interface RawAnswer {
  /** The status of the first final answer (not 100, 102 or 103), if one came. */
  readonly status?: number;
  /** The server closed the connection before (or without) a full answer head. */
  readonly closed: boolean;
  /** Neither an answer nor a close came within the wait (the server is waiting for more of the request). */
  readonly waiting: boolean;
  readonly error?: string;
}

/** The first final answer's status in `text`, or undefined while its head is incomplete. */
function finalStatus(text: string): number | undefined {
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(rest)?.[1] ?? NaN);
    // 101 Switching Protocols ends the exchange; other 1xx answers come before the final one.
    if (!(status >= 100 && status < 200) || status === 101) return status;
    rest = rest.slice(end + 4);
  }
}

/** Sends `bytes` on a fresh connection and reads the answer head; the connection is then dropped. */
export function rawExchange(port: number, bytes: Buffer, waitMs = 2_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let done = false;
    const finish = (answer: RawAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    // Not an assertion: a request the server rightly waits on (an unfinished head) is given up after a while.
    const timer = setTimeout(() => finish({ closed: false, waiting: true }), waitMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const status = finalStatus(received);
      if (status !== undefined) finish({ status, closed: false, waiting: false });
    });
    socket.on('error', (error) => {
      const status = finalStatus(received);
      finish({ ...(status !== undefined && { status }), closed: true, waiting: false, error: error.message });
    });
    socket.on('close', () => {
      const status = finalStatus(received);
      finish({ ...(status !== undefined && { status }), closed: true, waiting: false });
    });
  });
}

/** Runs `task` over every item with at most `limit` at once. */
export async function eachBounded<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// --- WebSocket frames (RFC 6455), written by hand so that they can be wrong on purpose ---

export interface FrameSpec {
  readonly fin?: boolean;
  readonly rsv?: number; // 0..7
  readonly opcode: number; // 0..15
  readonly masked?: boolean;
  readonly payload: Buffer;
  /** A length to claim in the header instead of the payload's own. */
  readonly claimedLength?: bigint;
}

export function frame({ fin = true, rsv = 0, opcode, masked = true, payload, claimedLength }: FrameSpec): Buffer {
  const length = claimedLength ?? BigInt(payload.length);
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 15)];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65_536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length & 0xffff_ffff_ffff_ffffn);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from(head), extended, mask, body]);
}

export const textFrame = (text: string) => frame({ opcode: 1, payload: Buffer.from(text) });

export interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Splits what a server sent (unmasked frames) into frames; returns them and the unread rest. */
export function readFrames(buffer: Buffer): { frames: ServerFrame[]; rest: Buffer } {
  const frames: ServerFrame[] = [];
  let at = 0;
  for (;;) {
    if (buffer.length - at < 2) break;
    const opcode = buffer[at]! & 15;
    let length = buffer[at + 1]! & 127;
    let start = at + 2;
    if (length === 126) {
      if (buffer.length - at < 4) break;
      length = buffer.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      if (buffer.length - at < 10) break;
      length = Number(buffer.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    if (buffer.length < start + length) break;
    frames.push({ opcode, payload: buffer.subarray(start, start + length) });
    at = start + length;
  }
  return { frames, rest: buffer.subarray(at) };
}

/** A raw connection upgraded to a WebSocket, with the server's frames as they come. */
export interface RawWebSocket {
  readonly socket: net.Socket;
  readonly frames: ServerFrame[];
  /** Resolves when a frame matching `match` has come (true) or the connection has closed (false). */
  until(match: (frame: ServerFrame) => boolean, waitMs: number): Promise<'matched' | 'closed' | 'waiting'>;
}

/** Performs a WebSocket handshake on a raw socket; rejects unless the server answers 101. */
export function openRawWebSocket(port: number, path: string, origin: string): Promise<RawWebSocket> {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let closed = false;
    const frames: ServerFrame[] = [];
    const waiters = new Set<() => void>();
    const wake = () => {
      for (const w of waiters) w();
    };
    socket.on('connect', () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    );
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101') || !head.includes(accept)) {
          socket.destroy();
          reject(new Error(`the WebSocket handshake was refused: ${head.split("\r\n")[0]}`));
          return;
        }
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve({ socket, frames, until });
      }
      const { frames: more, rest } = readFrames(buffer);
      buffer = Buffer.from(rest);
      frames.push(...more);
      if (more.length) wake();
    });
    const onClose = () => {
      closed = true;
      wake();
      if (!upgraded) reject(new Error('the connection closed during the WebSocket handshake'));
    };
    socket.on('close', onClose);
    socket.on('error', () => undefined); // followed by 'close'
    function until(match: (frame: ServerFrame) => boolean, waitMs: number): Promise<'matched' | 'closed' | 'waiting'> {
      return new Promise((done) => {
        const check = () => {
          if (frames.some(match)) finish('matched');
          else if (closed) finish('closed');
        };
        // Not an assertion: a frame the server rightly waits to complete is given up after a while.
        const timer = setTimeout(() => finish('waiting'), waitMs);
        const finish = (how: 'matched' | 'closed' | 'waiting') => {
          clearTimeout(timer);
          waiters.delete(check);
          done(how);
        };
        waiters.add(check);
        check();
      });
    }
  });
}

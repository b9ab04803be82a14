// Reading what arrives on the browser host's port from anyone on this machine (or from any web page,
// through an <img> or a fetch): request targets and malformed requests. Nothing here throws; garbage is
// answered with a 4xx and the process goes on.
import http from 'node:http';
import type { Duplex } from 'node:stream';

export interface RequestTarget {
  /** The path, percent-decoded; never contains NUL. */
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

/**
 * The target of a request to `origin`, or undefined when it cannot be read: a malformed address, bad
 * percent-encoding, a NUL byte, or an absolute address naming another server.
 */
export function requestTarget(raw: string | undefined, origin: string): RequestTarget | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    // Origin-form ("/path?query") is appended to our origin rather than resolved against it, so that
    // "//other.example/" stays a path here instead of naming another host.
    url = new URL(raw.startsWith('/') ? origin + raw : raw);
  } catch {
    return undefined;
  }
  if (url.origin !== origin) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  return { pathname, searchParams: url.searchParams };
}

/** The raw answer for a connection that never became an HTTP exchange (a refused WebSocket upgrade). */
export function rawResponse(status: number, text = ''): string {
  const body = text ? `${text}\n` : '';
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Ends a socket with a raw answer; it is destroyed once the answer is out (or at once if it cannot be sent). */
export function endWith(socket: Duplex, status: number, text?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(rawResponse(status, text));
}

/**
 * For the HTTP server's 'clientError': a request Node's parser refused (bad request line, bad or too
 * many headers, a timeout) gets a 4xx and its connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
    socket.destroy();
    return;
  }
  // An answer already under way on this connection (pipelined requests) cannot be followed by another.
  if ((socket as Duplex & { bytesWritten?: number }).bytesWritten) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  endWith(socket, status, status === 400 ? 'The request could not be read.' : undefined);
}

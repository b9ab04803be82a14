// Builds one xmpp.js connection from its parts, as @xmpp/client does, with two differences that
// @xmpp/client's own setup cannot give: STARTTLS verifies the server against a CA the user names
// (a private server's CA), and signing in requires TLS and SCRAM, never PLAIN and never in clear.
import { Client } from '@xmpp/client-core';
import { promise } from '@xmpp/events';
import iqCallee from '@xmpp/iq/callee.js';
import iqCaller, { type IqCaller } from '@xmpp/iq/caller.js';
import middleware, { type Middleware } from '@xmpp/middleware';
import resourceBinding from '@xmpp/resource-binding';
import sasl from '@xmpp/sasl';
import scramsha1 from '@xmpp/sasl-scram-sha-1';
import streamFeatures from '@xmpp/stream-features';
import tcp from '@xmpp/tcp';
import TlsSocket from '@xmpp/tls/lib/Socket.js';
import xml from '@xmpp/xml';
import SASLFactory from 'saslmechanisms';
import { useNativePbkdf2 } from './scram';
import { NS_SM, type StreamManagement } from './stream-management';
import net from 'node:net';
import tls from 'node:tls';

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';

/** The server will not let us sign in safely: retrying cannot help, the user must change something. */
export class UnsafeServerError extends Error {
  override readonly name = 'UnsafeServerError';
}
const SCRAM = 'SCRAM-SHA-1';

export interface ConnectionOptions {
  readonly service: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  readonly resource: string;
  /** PEM of the CA(s) to trust instead of the system's; undefined means the system's. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

/** One connection to the server: a new xmpp.js client each time, so that nothing of one acts on the next. */
export interface Connection {
  readonly entity: Client;
  readonly middleware: Middleware;
  readonly iqCaller: IqCaller;
  /**
   * Resolves once stream management is settled for the session just opened: enabled, or not offered,
   * or not granted within a few seconds. Nothing may be sent before: stanzas crossing <enable/> on
   * the wire make xmpp.js 0.14 miscount what it handled, and Prosody then closes the session.
   */
  smSettled(): Promise<void>;
  /**
   * After open(): resolves once the session is ready, signed in afresh ('online') or resumed; rejects
   * on an error, a drop, the timeout or `signal`. Whichever ends it, its listeners and timer go with it:
   * one left per attempt piles up across reconnects (MaxListenersExceededWarning).
   */
  ready(timeoutMs: number, signal?: AbortSignal): Promise<'online' | 'resumed'>;
  /** Destroys the socket at once, for when it would not close politely in time. */
  cut(): void;
}


/**
 * A new connection for the session `sm` keeps (XEP-0198: the server's acks, and resumption after a
 * drop). xmpp.js's sign-in steps wait for the server's answers with listeners that nothing ends when a
 * connection drops: cut mid-STARTTLS, the old step would read the next connection's first answer and
 * call the server unsafe; cut mid-SCRAM, it would answer the next challenge with the old nonce and the
 * server would refuse the right password. On a client of their own, such leftovers talk to nobody.
 */
export function createConnection(options: ConnectionOptions, sm: StreamManagement): Connection {
  const entity = new Client({ service: options.service, domain: options.domain, timeout: options.timeoutMs ?? 10_000 });
  tcp({ entity });
  const mw = middleware({ entity });
  const features = streamFeatures({ middleware: mw });
  const caller = iqCaller({ middleware: mw, entity });
  const callee = iqCallee({ middleware: mw, entity });
  callee.get('urn:xmpp:ping', 'ping', () => ({}));

  /** The TCP socket under TLS, once STARTTLS began. */
  let plain: net.Socket | undefined;
  // Order matters: stream features are offered to these handlers in this order.
  features.use('starttls', NS_TLS, async ({ entity: e }) => {
    const socket = e.socket;
    if (!(socket instanceof net.Socket) || socket instanceof tls.TLSSocket) throw new UnsafeServerError('TLS was offered twice');
    plain = socket;
    // No Nagle: a chat message is one small write, often right after another small one (an ack); held
    // back until the server's delayed ACK, it would wait some 40 ms for nothing.
    socket.setNoDelay(true);
    const answer = await e.sendReceive(xml('starttls', { xmlns: NS_TLS }));
    if (!answer.is('proceed', NS_TLS)) throw new UnsafeServerError('the server would not start TLS');
    const secure = new TlsSocket();
    // servername and host both name the domain: the certificate must be the domain's, whatever address we dialled.
    secure.connect({ socket, host: options.domain, servername: options.domain, ca: options.ca, minVersion: 'TLSv1.2' });
    await promise(secure, 'connect');
    e._attachSocket(secure);
    await e.restart();
  });

  const factory = new SASLFactory();
  useNativePbkdf2(); // the salted password by the platform's PBKDF2 (plugins/xmpp/scram.ts)
  scramsha1(factory);
  sasl({ streamFeatures: features, saslFactory: factory }, async (authenticate, mechanisms, _fast, e) => {
    if (!e.isSecure()) throw new UnsafeServerError('the server did not offer TLS, and Switchboard does not sign in without it');
    if (!mechanisms.includes(SCRAM)) throw new UnsafeServerError(`the server does not offer ${SCRAM} sign-in`);
    await authenticate({ username: options.username, password: options.password }, SCRAM);
  });
  // Notes whether the server offers stream management on the stream just opened.
  let offered = false;
  mw.use((ctx, next) => {
    if (ctx.stanza.is('features', 'http://etherx.jabber.org/streams')) offered = !!ctx.stanza.getChild('sm', NS_SM);
    return next();
  });
  sm.attach(entity, features);
  resourceBinding({ iqCaller: caller, streamFeatures: features }, options.resource);
  // A request under way when the connection drops is answered by nobody: it fails now, instead of
  // keeping its handler and timer for the library's 30 s.
  entity.on('disconnect', () => {
    for (const [id, pending] of caller.handlers) {
      caller.handlers.delete(id);
      pending.reject(new Error('the connection dropped before the server answered'));
    }
  });
  const smSettled = async () => {
    if (!offered || sm.enabled) return;
    await new Promise<void>((resolve) => {
      // The stream management's own wait for the server's answer ends first; this limit is a backstop.
      const timer = setTimeout(done, 15_000);
      function done() {
        clearTimeout(timer);
        sm.off('settled', done);
        entity.off('disconnect', done);
        resolve();
      }
      sm.on('settled', done);
      entity.on('disconnect', done); // a dropped connection settles nothing more
    });
  };
  const ready = (timeoutMs: number, signal?: AbortSignal) =>
    new Promise<'online' | 'resumed'>((resolve, reject) => {
      const end = (outcome: () => void) => () => {
        clearTimeout(timer);
        entity.off('online', online);
        sm.off('resumed', resumed);
        entity.off('error', failed);
        entity.off('disconnect', dropped);
        signal?.removeEventListener('abort', aborted);
        outcome();
      };
      const online = end(() => resolve('online'));
      const resumed = end(() => resolve('resumed'));
      let reason: unknown;
      const failed = (error: unknown) => ((reason = error), end(() => reject(reason))());
      const dropped = end(() => reject(new Error('the connection closed while signing in')));
      const aborted = end(() => reject(new Error('given up')));
      const timer = setTimeout(end(() => reject(new Error('the server did not finish signing in in time'))), timeoutMs);
      entity.on('online', online);
      sm.on('resumed', resumed);
      entity.on('error', failed);
      entity.on('disconnect', dropped);
      if (signal?.aborted) aborted();
      else signal?.addEventListener('abort', aborted);
    });
  function cut() {
    // After STARTTLS the client's socket is @xmpp/tls's wrapper around the TLS socket, which lets go of
    // it (socket = null) once it closed; the plain socket under it is destroyed too, in case TLS never came up.
    const socket = entity.socket as { socket?: { destroy?(): void } | null; destroy?(): void } | null;
    socket?.socket?.destroy?.();
    if (typeof socket?.destroy === 'function') socket.destroy();
    plain?.destroy();
  }
  return { entity, middleware: mw, iqCaller: caller, smSettled, ready, cut };
}

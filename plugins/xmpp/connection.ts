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
import net from 'node:net';
import tls from 'node:tls';

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
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

export interface Connection {
  readonly entity: Client;
  readonly middleware: Middleware;
  readonly iqCaller: IqCaller;
}

export function createConnection(options: ConnectionOptions): Connection {
  const entity = new Client({ service: options.service, domain: options.domain, timeout: options.timeoutMs ?? 10_000 });
  tcp({ entity });
  const mw = middleware({ entity });
  const features = streamFeatures({ middleware: mw });
  const caller = iqCaller({ middleware: mw, entity });
  const callee = iqCallee({ middleware: mw, entity });
  callee.get('urn:xmpp:ping', 'ping', () => ({}));

  // Order matters: stream features are offered to these handlers in this order.
  features.use('starttls', NS_TLS, async ({ entity: e }) => {
    const socket = e.socket;
    if (!(socket instanceof net.Socket) || socket instanceof tls.TLSSocket) throw new Error('TLS was offered twice');
    const answer = await e.sendReceive(xml('starttls', { xmlns: NS_TLS }));
    if (!answer.is('proceed', NS_TLS)) throw new Error('the server would not start TLS');
    const secure = new TlsSocket();
    // servername and host both name the domain: the certificate must be the domain's, whatever address we dialled.
    secure.connect({ socket, host: options.domain, servername: options.domain, ca: options.ca, minVersion: 'TLSv1.2' });
    await promise(secure, 'connect');
    e._attachSocket(secure);
    await e.restart();
  });

  const factory = new SASLFactory();
  scramsha1(factory);
  sasl({ streamFeatures: features, saslFactory: factory }, async (authenticate, mechanisms, _fast, e) => {
    if (!e.isSecure()) throw new Error('the server did not offer TLS, and Switchboard does not sign in without it');
    if (!mechanisms.includes(SCRAM)) throw new Error(`the server does not offer ${SCRAM} sign-in`);
    await authenticate({ username: options.username, password: options.password }, SCRAM);
  });
  resourceBinding({ iqCaller: caller, streamFeatures: features }, options.resource);
  return { entity, middleware: mw, iqCaller: caller };
}

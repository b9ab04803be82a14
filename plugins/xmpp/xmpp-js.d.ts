// Type declarations for the parts of xmpp.js this plugin composes (xmpp.js ships no types).
declare module '@xmpp/xml' {
  export interface Element {
    name: string;
    attrs: Record<string, string | undefined>;
    children: Array<Element | string>;
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
  }
  export default function xml(name: string, attrs?: Record<string, string | undefined> | null, ...children: Array<Element | string>): Element;
}
declare module '@xmpp/jid' {
  export interface JID {
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    toString(): string;
  }
  export default function jid(address: string): JID;
}
declare module '@xmpp/client-core' {
  import type { Element } from '@xmpp/xml';
  import type { JID } from '@xmpp/jid';
  import type { EventEmitter } from 'node:events';
  export class Client extends EventEmitter {
    constructor(options: { service: string; domain: string; lang?: string; timeout?: number });
    status: string;
    jid: JID | null;
    socket: unknown;
    options: { service: string; domain: string; lang?: string };
    start(): Promise<JID>;
    stop(): Promise<unknown>;
    connect(service: string): Promise<void>;
    open(options: { domain: string; lang?: string }): Promise<unknown>;
    disconnect(): Promise<unknown>;
    send(element: Element): Promise<void>;
    sendReceive(element: Element, timeout?: number): Promise<Element>;
    isSecure(): boolean;
    _ready(resumed: boolean): void;
    restart(): Promise<void>;
    _attachSocket(socket: unknown): void;
  }
}
declare module '@xmpp/tcp' {
  export default function tcp(deps: { entity: unknown }): void;
}
declare module '@xmpp/middleware' {
  import type { Element } from '@xmpp/xml';
  export interface Context {
    stanza: Element;
    entity: import('@xmpp/client-core').Client;
    from: import('@xmpp/jid').JID | null;
  }
  export interface Middleware {
    use(fn: (ctx: Context, next: () => Promise<unknown>) => unknown): void;
  }
  export default function middleware(deps: { entity: unknown }): Middleware;
}
declare module '@xmpp/stream-features' {
  import type { Context, Middleware } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  export interface StreamFeatures {
    use(name: string, xmlns: string, handler: (ctx: Context, next: () => Promise<unknown>, feature: Element) => unknown): void;
  }
  export default function streamFeatures(deps: { middleware: Middleware }): StreamFeatures;
}
declare module '@xmpp/iq/caller.js' {
  import type { Element } from '@xmpp/xml';
  export interface IqCaller {
    request(stanza: Element, timeout?: number): Promise<Element>;
    get(child: Element, to?: string, timeout?: number): Promise<Element>;
    set(child: Element, to?: string, timeout?: number): Promise<Element>;
    /** Requests under way, by iq id. */
    handlers: Map<string, { reject(reason: unknown): void }>;
  }
  export default function iqCaller(deps: { middleware: unknown; entity: unknown }): IqCaller;
}
declare module '@xmpp/iq/callee.js' {
  export interface IqCallee {
    get(ns: string, name: string, handler: (ctx: unknown) => unknown): void;
  }
  export default function iqCallee(deps: { middleware: unknown; entity: unknown }): IqCallee;
}
declare module '@xmpp/sasl' {
  export type Authenticate = (credentials: { username: string; password: string }, mechanism: string) => Promise<void>;
  export default function sasl(
    deps: { streamFeatures: unknown; saslFactory: unknown },
    onAuthenticate: (authenticate: Authenticate, mechanisms: string[], fast: unknown, entity: import('@xmpp/client-core').Client) => Promise<void>,
  ): void;
}
declare module '@xmpp/sasl-scram-sha-1' {
  export default function scramsha1(factory: unknown): void;
}
declare module '@xmpp/resource-binding' {
  export default function resourceBinding(deps: { iqCaller: unknown; streamFeatures: unknown }, resource?: string): void;
}
declare module '@xmpp/events' {
  export function promise<T = unknown>(target: unknown, event: string, rejectEvent?: string | null, timeout?: number): Promise<T>;
}
declare module '@xmpp/tls/lib/Socket.js' {
  import { EventEmitter } from 'node:events';
  export default class Socket extends EventEmitter {
    connect(options: import('node:tls').ConnectionOptions): void;
  }
}
declare module 'saslmechanisms' {
  export default class SASLFactory {}
}
declare module '@xmpp/client' {
  import type { Client } from '@xmpp/client-core';
  export { default as xml } from '@xmpp/xml';
  export function client(options: { service: string; domain: string; username?: string; password?: string; resource?: string; /** ms a stream has to open; xmpp.js's default is 2,000 */ timeout?: number }): Client;
}
declare module 'sasl-scram-sha-1/lib/bitops.js' {
  /** The library's helpers, looked up at each use: Hi is its PBKDF2 (plugins/xmpp/scram.ts replaces it). */
  const bitops: { Hi: (text: string, salt: Uint8Array, iterations: number) => Promise<Uint8Array> };
  export default bitops;
}

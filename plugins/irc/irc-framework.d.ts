// Type declarations for the parts of irc-framework this plugin uses (it ships no types).
declare module 'irc-framework' {
  import { EventEmitter } from 'node:events';
  export class Client extends EventEmitter {
    constructor(options?: Record<string, unknown>);
    connected: boolean;
    user: { nick: string };
    network: { supports(feature: string): string | boolean | undefined; cap: { isEnabled(cap: string): boolean } };
    connect(options: Record<string, unknown>): void;
    say(target: string, message: string): void;
    raw(...args: string[]): void;
    ping(message?: string): void;
    quit(message?: string): void;
    changeNick(nick: string): void;
    addMonitor(target: string): void;
    removeMonitor(target: string): void;
    /** The connection of the moment; its transport holds the socket. */
    connection: { transport: { disposeSocket(): void } | null };
  }
}
declare module 'irc-framework/src/transports/net.js' {
  import { EventEmitter } from 'node:events';
  export default class NetTransport extends EventEmitter {
    constructor(options: Record<string, unknown>);
    options: Record<string, unknown> & { host: string; port: number };
    socket: unknown;
    state: number;
    requested_disconnect: boolean;
    incoming_buffer: Buffer;
    disposeSocket(): void;
    setEncoding(encoding: string): boolean;
    _onSocketCreate(options: Record<string, unknown>, socket: unknown): void;
  }
}
declare module 'irc-framework/src/linebreak.js' {
  export function lineBreak(text: string, options: { bytes: number; allowBreakingWords?: boolean; allowBreakingGraphemes?: boolean }): Iterable<string>;
}

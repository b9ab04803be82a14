// An external XMPP component (XEP-0114) on the test Prosody: one connection that speaks for every
// address of its domain, so that a benchmark can play ten thousand people without ten thousand
// accounts and logins. What the server sends it (probes, subscription requests) is read and dropped.
import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import net from 'node:net';

export interface Component {
  /** Writes stanzas as they are (already serialized XML); resolves once the socket took them. */
  send(stanzas: string): Promise<void>;
  /** Resolves once the server has sent `count` presence probes in all (a client signing in makes it probe each contact). */
  probes(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function connectComponent(port: number, domain: string, secret: string): Promise<Component> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  // Probes counted across chunks: only whole tags (up to the last '>') are looked at.
  let probed = 0;
  let rest = '';
  const counted = new EventEmitter();
  const countProbes = (chunk: string) => {
    const text = rest + chunk;
    const cut = text.lastIndexOf('>') + 1;
    probed += (text.slice(0, cut).match(/<presence\b[^>]*\btype=['"]probe['"]/g) ?? []).length;
    rest = text.slice(cut);
    counted.emit('probe');
  };
  await new Promise<void>((resolve, reject) => {
    let read = '';
    const fail = (error: Error) => reject(error);
    socket.once('error', fail);
    socket.once('connect', () =>
      socket.write(`<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}'>`),
    );
    let handshakeSent = false;
    const onData = (chunk: string) => {
      read += chunk;
      const id = /<stream:stream[^>]*\sid=['"]([^'"]+)['"]/.exec(read)?.[1];
      if (id && !handshakeSent) {
        handshakeSent = true;
        read = '';
        socket.write(`<handshake>${createHash('sha1').update(id + secret).digest('hex')}</handshake>`);
      } else if (handshakeSent && /<handshake\s*\/>|<handshake><\/handshake>/.test(read)) {
        socket.off('data', onData);
        socket.off('error', fail);
        socket.on('data', countProbes); // the server's probes and requests are counted, not answered
        socket.on('error', () => undefined);
        resolve();
      } else if (read.includes('</stream:stream>') || read.includes('<stream:error')) {
        reject(new Error(`the server refused the component: ${read.slice(0, 300)}`));
      }
    };
    socket.on('data', onData);
  });
  return {
    async probes(count) {
      while (probed < count) await once(counted, 'probe');
    },
    send: (stanzas) => new Promise<void>((resolve, reject) => socket.write(stanzas, (error) => (error ? reject(error) : resolve()))),
    close: () =>
      new Promise<void>((resolve) => {
        socket.end('</stream:stream>', () => resolve());
        socket.destroySoon?.();
      }),
  };
}

// irc-framework's own TLS connection cannot be given a CA, and checks the certificate against the
// address dialled. This transport connects with TLS verified against the server's name and the CA the
// user names (or the system's), and is otherwise irc-framework's.
import NetTransport from 'irc-framework/src/transports/net.js';
import tls from 'node:tls';

const SOCK_CONNECTING = 1; // irc-framework's value for "connecting"

export class VerifiedTlsTransport extends NetTransport {
  connect(): void {
    const options = this.options as { host: string; port: number; servername?: string; ca?: string };
    this.disposeSocket();
    this.requested_disconnect = false;
    this.incoming_buffer = Buffer.from('');
    this.setEncoding('utf8');
    this.state = SOCK_CONNECTING;
    const socket = tls.connect({
      host: options.host,
      port: options.port,
      servername: options.servername ?? options.host,
      ca: options.ca,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
    this.socket = socket;
    this._onSocketCreate(this.options, socket);
  }
}

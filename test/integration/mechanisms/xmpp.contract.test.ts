// The mechanism contract against both XMPP servers the issue names: Prosody and ejabberd.
import xmpp from '../../../plugins/xmpp/index';
import { startEjabberd, type XmppServer } from '../../harness/ejabberd';
import { startPeer, type Peer } from '../../harness/peer';
import { startProsody } from '../../harness/prosody';
import { mechanismContract } from './contract';

function xmppWorld(startServer: () => Promise<XmppServer>) {
  return async () => {
    const server = await startServer();
    const me = server.createAccount('me');
    const other = server.createAccount('other');
    let peer: Peer = await startPeer({ service: server.service, domain: server.domain, ...other });
    const reconnectPeer = async () => (peer = await startPeer({ service: server.service, domain: server.domain, ...other }));
    return {
      plugin: xmpp(),
      account: { jid: me.jid, password: me.password, service: server.service, caFile: server.caFile },
      peer: {
        address: other.jid,
        receive: (match: (body: string) => boolean) => peer.receive(match).then((m) => ({ body: m.body, id: m.originId })),
      },
      presence: {
        online: async () => {
          await peer.offline();
          await reconnectPeer();
        },
        away: () => peer.setShow('away'),
        offline: () => peer.offline(),
      },
      incoming: { say: (body: string) => peer.say(me.jid, body) },
      invalidAddress: 'not an address',
      server: {
        // The peer signs off first: a stock client left to reconnect by itself to a dead server ends in
        // a STARTTLS timeout that xmpp.js 0.14 leaves unhandled, which is the peer's fault, not ours.
        stop: async () => {
          await peer.offline();
          await server.kill();
        },
        start: async () => {
          await server.start();
          await reconnectPeer();
        },
      },
      close: async () => {
        await peer.offline();
        await server.stop();
      },
    };
  };
}

mechanismContract('xmpp on Prosody', xmppWorld(() => startProsody({ domain: 'contract.switchboard.test' })));
mechanismContract('xmpp on ejabberd', xmppWorld(() => startEjabberd({ domain: 'ej.switchboard.test' })));

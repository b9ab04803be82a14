// The mechanism contract against Prosody.
import xmpp from '../../../plugins/xmpp/index';
import { startPeer, type Peer } from '../../harness/peer';
import { startProsody } from '../../harness/prosody';
import { mechanismContract } from './contract';

mechanismContract('xmpp on Prosody', async () => {
  const server = await startProsody({ domain: 'contract.switchboard.test' });
  const me = server.createAccount('me');
  const other = server.createAccount('other');
  let peer: Peer = await startPeer({ service: server.service, domain: server.domain, ...other });
  const reconnectPeer = async () => (peer = await startPeer({ service: server.service, domain: server.domain, ...other }));
  return {
    plugin: xmpp(),
    account: { jid: me.jid, password: me.password, service: server.service, caFile: server.caFile },
    peer: {
      address: other.jid,
      receive: (match) => peer.receive(match).then((m) => ({ body: m.body, id: m.originId })),
    },
    presence: {
      online: async () => {
        await peer.offline();
        await reconnectPeer();
      },
      away: () => peer.setShow('away'),
      offline: () => peer.offline(),
    },
    incoming: { say: (body) => peer.say(me.jid, body) },
    invalidAddress: 'not an address',
    server: {
      stop: () => server.kill(),
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
});

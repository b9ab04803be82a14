// What the XMPP integration tests share: the user's account as its settings entry, and a real peer
// client (another person, or another device of the user's) kept in a list the test takes offline after.
import type { XmppServer } from './ejabberd';
import { startPeer, type Peer } from './peer';

/** The settings entry of an XMPP account on the test's server, trusting its CA file. */
export const xmppAccount = (server: Pick<XmppServer, 'service' | 'caFile'>, account: { jid: string; password: string }) => ({
  plugin: 'xmpp',
  jid: account.jid,
  password: account.password,
  service: server.service,
  caFile: server.caFile,
});

/** Signs a peer in on the server (with `resource`, as another device), added to `peers` for the test to take offline. */
export async function joinPeer(server: XmppServer, peers: Peer[], account: { jid: string; password: string }, resource?: string): Promise<Peer> {
  const p = await startPeer({ service: server.service, domain: server.domain, ...account, ...(resource && { resource }) });
  peers.push(p);
  return p;
}

// The XMPP mechanism as the user runs it, with its connection through a TCP proxy that a test can
// hold, release or cut: a Prosody, the user's account and a friend's, the friend signed in as a real
// client, and the mechanism (not yet started) with a recorder of everything it tells the core.
import xmpp from '../../plugins/xmpp/index';
import type { Mechanism } from '../../shared/mechanism';
import { startPeer, type Peer } from './peer';
import { startProsody, type ProsodyServer } from './prosody';
import { recorder, type Recorder } from './recorder';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

export interface XmppBehindProxy {
  readonly server: ProsodyServer;
  readonly proxy: TcpProxy;
  readonly me: { jid: string; password: string };
  readonly other: { jid: string; password: string };
  readonly peer: Peer;
  readonly rec: Recorder;
  readonly mechanism: Mechanism;
}

export async function xmppBehindProxy(): Promise<XmppBehindProxy> {
  const server = await startProsody();
  const proxy = await startTcpProxy(server.port);
  const me = server.createAccount('me');
  const other = server.createAccount('friend');
  const peer = await startPeer({ service: server.service, domain: server.domain, ...other });
  const rec = recorder({ jid: me.jid, password: me.password, service: `xmpp://127.0.0.1:${proxy.port}`, caFile: server.caFile }, [other.jid]);
  return { server, proxy, me, other, peer, rec, mechanism: xmpp().create(rec.context) };
}

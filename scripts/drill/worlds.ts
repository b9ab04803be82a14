// The servers, the other person and Switchboard's settings for each mechanism the drill can cut:
// XMPP (Prosody with mod_mam and mod_smacks), IRC (InspIRCd) and e-mail (aiosmtpd). Switchboard's
// connection goes through a TCP proxy the drill cuts; the other person is connected directly.
import fs from 'node:fs';
import path from 'node:path';
import { startInspircd } from '../../test/harness/inspircd';
import { startIrcPeer, type IrcPeer } from '../../test/harness/ngircd';
import { startProsody } from '../../test/harness/prosody';
import { startSmtp } from '../../test/harness/smtp';
import { startTcpProxy, type TcpProxy } from '../../test/harness/tcp-proxy';
import { ArrivalLog } from './arrivals';
import { startXmppDrillPeer } from './xmpp-peer';

export const mechanisms = ['xmpp', 'irc', 'email'] as const;
export type DrillMechanism = (typeof mechanisms)[number];

export interface DrillWorld {
  readonly mechanism: DrillMechanism;
  /** What the other person's messages carry to tell one Switchboard message from another; IRC carries nothing. */
  readonly stableId: string | undefined;
  /** Whether Switchboard can look an earlier copy up before sending again (an archive), so that no duplicate is excusable. */
  readonly canLookUp: boolean;
  /** The whole settings.json for Switchboard: one account "im", one contact "peer", one step. */
  readonly settings: unknown;
  readonly proxy: TcpProxy;
  readonly arrivals: ArrivalLog;
  /** The server's own log, for the report. */
  readonly serverLog: string;
  /** Kills the server (connections drop at once) and starts it again on the same port and data. */
  restartServer(): Promise<void>;
  stop(): Promise<void>;
}

/** One delivery step on the account under test: whatever happens, it is the only way. */
const delivery = { managers: { sequential: { configurations: { Normal: ['im'], Urgent: ['im'] } } }, rules: [{ manager: 'sequential' }] };

export function startWorld(mechanism: DrillMechanism): Promise<DrillWorld> {
  if (mechanism === 'irc') return ircWorld();
  if (mechanism === 'email') return emailWorld();
  return xmppWorld();
}

async function xmppWorld(): Promise<DrillWorld> {
  const server = await startProsody({ domain: 'drill.switchboard.test' });
  // The drill needs the account's archive (XEP-0313) so that Switchboard can look up an unacknowledged
  // message before sending it again. Where the harness's Prosody runs without mod_mam, it is added here.
  const config = path.join(server.dir, 'prosody.cfg.lua');
  const text = fs.readFileSync(config, 'utf8');
  if (!/"mam"/.test(text)) {
    fs.writeFileSync(config, text.replace('"smacks" }', '"smacks"; "mam" }\narchive_expires_after = "never"\ndefault_archive_policy = true'));
    await server.restart();
  }
  const me = server.createAccount('me');
  const peer = server.createAccount('peer');
  const proxy = await startTcpProxy(server.port);
  const arrivals = new ArrivalLog();
  const person = await startXmppDrillPeer({ service: server.service, domain: server.domain, ...peer }, arrivals);
  return {
    mechanism: 'xmpp',
    stableId: 'origin-id',
    canLookUp: true,
    settings: {
      accounts: { im: { plugin: 'xmpp', jid: me.jid, password: me.password, service: `xmpp://127.0.0.1:${proxy.port}`, caFile: server.caFile } },
      contacts: [{ id: 'peer', name: 'Drill Peer', addresses: { im: peer.jid } }],
      delivery,
    },
    proxy,
    arrivals,
    serverLog: server.logFile,
    restartServer: () => server.restart(),
    async stop() {
      await person.stop();
      await proxy.close();
      await server.stop();
    },
  };
}

async function ircWorld(): Promise<DrillWorld> {
  // InspIRCd rather than ngIRCd: ngIRCd 26.1 spins on a TLS connection whose peer vanished, writing
  // "Broken pipe" to its log hundreds of thousands of times a second (gigabytes within a minute of cuts).
  const server = await startInspircd('drill.switchboard.test');
  const proxy = await startTcpProxy(server.port);
  const arrivals = new ArrivalLog();
  const nick = 'DrillPeer';
  // IRC keeps nothing for someone not signed in: the person signs in again as soon as the server is back.
  const join = async (): Promise<IrcPeer> => {
    const person = await startIrcPeer(server, nick);
    person.onMessage = (m) => arrivals.add({ body: m.body });
    return person;
  };
  let person: IrcPeer | undefined = await join();
  return {
    mechanism: 'irc',
    stableId: undefined,
    canLookUp: false,
    settings: {
      accounts: { im: { plugin: 'irc', server: server.serverName, host: '127.0.0.1', port: proxy.port, nick: 'DrillMe', password: server.password, caFile: server.caFile, pollSeconds: 1, lineIntervalMs: 50 } },
      contacts: [{ id: 'peer', name: 'Drill Peer', addresses: { im: nick } }],
      delivery,
    },
    proxy,
    arrivals,
    serverLog: server.logFile,
    async restartServer() {
      person = undefined;
      await server.stop();
      await server.start();
      person = await join();
    },
    async stop() {
      await person?.quit();
      await proxy.close();
      await server.stop();
    },
  };
}

async function emailWorld(): Promise<DrillWorld> {
  const server = await startSmtp('mail.switchboard.test');
  const proxy = await startTcpProxy(server.port);
  const arrivals = new ArrivalLog();
  const to = 'drill.peer@example.org';
  // The mailbox is what the SMTP server accepted for the person; the server keeps its list across restarts.
  let seen = 0;
  const poll = (): void => {
    for (; seen < server.received.length; seen++) {
      const mail = server.received[seen]!;
      if (mail.to.includes(to)) arrivals.add({ body: mail.body, id: mail.switchboardId });
    }
  };
  const watcher = setInterval(poll, 50); // the harness offers no "every mail" event; 50 ms keeps order
  return {
    mechanism: 'email',
    stableId: 'X-Switchboard-Id',
    canLookUp: false,
    settings: {
      accounts: { im: { plugin: 'email', address: 'me@switchboard.test', server: 'mail.switchboard.test', host: '127.0.0.1', port: proxy.port, user: server.user, password: server.password, caFile: server.caFile } },
      contacts: [{ id: 'peer', name: 'Drill Peer', addresses: { im: to } }],
      delivery,
    },
    proxy,
    arrivals,
    serverLog: '(aiosmtpd prints only accepted mail)',
    async restartServer() {
      await server.stop();
      await server.start();
    },
    async stop() {
      poll();
      clearInterval(watcher);
      await proxy.close();
      await server.stop();
    },
  };
}

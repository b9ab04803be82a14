// The process a user's delivery-manager plugin runs in, away from the core (see
// core/delivery/sandbox/sandboxed-manager.ts, which starts it through plugin-process.ts under Node's
// permission model: it may read its own folder and the sandbox's scripts, nothing else, and may not
// start processes or threads). It speaks the messages of core/delivery/sandbox/protocol.ts: the core
// sends a job, the plugin's deliver() runs here against a stand-in job whose policy, presence and
// receipts come from snapshots the core sends with the job and with every answer.
import net from 'node:net';
import tls from 'node:tls';
import dgram from 'node:dgram';
import { errorText, loadEntry, logger, send, serve, text } from './channel.mjs';

// A delivery manager decides; it does not talk to the network. The permission model of Node 20 and
// 22 does not cover sockets, so every way to open one is closed here, before the plugin loads (http,
// https, fetch and WebSocket all come down to these).
const refuse = (what) =>
  function () {
    throw Object.assign(new Error(`a delivery manager plugin may not ${what}`), { code: 'ERR_ACCESS_DENIED' });
  };
net.Socket.prototype.connect = refuse('open a network connection');
net.Server.prototype.listen = refuse('listen on the network');
tls.connect = refuse('open a network connection');
dgram.Socket.prototype.bind = refuse('use UDP');
dgram.Socket.prototype.send = refuse('use UDP');
for (const name of ['fetch', 'WebSocket', 'EventSource']) delete globalThis[name];

let plugin;
const jobs = new Map(); // job id → { snapshot, calls: Map<call id, resolve> }
let nextCall = 0;

function standInJob(id, request) {
  const job = { snapshot: request.snapshot, calls: new Map() };
  jobs.set(id, job);
  const call = (method, arg) =>
    new Promise((resolve) => {
      const n = ++nextCall;
      job.calls.set(n, resolve);
      send({ t: 'call', job: id, call: n, method, arg });
    });
  return {
    message: request.message,
    configuration: request.configuration,
    policy: () => job.snapshot.policy,
    presence: (mechanism) => job.snapshot.presence[mechanism] ?? 'none',
    receipts: (mechanism) => job.snapshot.receipts[mechanism] ?? false,
    expired: () => request.message.expiresAt !== undefined && Date.now() >= request.message.expiresAt,
    attempt: (step) => call('attempt', step),
    ask: () => call('ask', null),
    skip: (step, why) => send({ t: 'skip', job: id, step, why: text(why) }),
    log: logger(),
  };
}

async function deliver(id, request) {
  try {
    const result = await plugin.create().deliver(standInJob(id, request));
    send({ t: 'done', job: id, result });
  } catch (error) {
    send({ t: 'error', job: id, error: errorText(error) });
  } finally {
    jobs.delete(id);
  }
}

serve(
  async (entry) => {
    const made = await loadEntry(entry);
    if (!made || typeof made.create !== 'function') throw new Error('the factory must return an object with create()');
    plugin = made;
  },
  {
    deliver: (message) => void deliver(message.job, message.request),
    answer(message) {
      const job = jobs.get(message.job);
      if (!job) return;
      job.snapshot = message.snapshot;
      const resolve = job.calls.get(message.call);
      job.calls.delete(message.call);
      resolve?.(message.value);
    },
  },
);

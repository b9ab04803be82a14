// The process a user's mechanism plugin runs in, away from the core (see
// core/mechanisms/sandbox/sandboxed-mechanism.ts, which starts it through plugin-process.ts under
// Node's permission model: it may read its own folder and the sandbox's scripts, nothing else, and may
// not start processes or threads; unlike a delivery manager it may use the network, as a mechanism
// must). It speaks the messages of core/mechanisms/sandbox/protocol.ts: one process serves every
// account of its plugin, each a mechanism instance made by the plugin's create(context).
import { errorText, loadEntry, logger, send, serve } from './channel.mjs';

let plugin;
const instances = new Map(); // instance id → { mechanism, addresses }

const asStrings = (list) => (Array.isArray(list) ? list.filter((item) => typeof item === 'string') : []);

function contextFor(id, account, state) {
  const say = (t, fields) => instances.get(id)?.state === state && send({ t, instance: id, ...fields });
  return {
    account,
    addresses: () => state.addresses,
    log: logger(),
    status: (status) => say('status', { status }),
    presence: (address, show, status) => say('presence', { address, show, ...(typeof status === 'string' && { status }) }),
    incoming: (message) => say('incoming', { message }),
    lastServerId: () => state.lastServerId ?? undefined,
    caughtUpTo: (serverId) => {
      if (typeof serverId !== 'string') return;
      state.lastServerId = serverId; // what lastServerId says from now on, as in the core
      say('caughtUpTo', { serverId });
    },
    suggest: (person) => say('suggest', { person }),
    receipt: (messageId, level) => say('receipt', { messageId, level }),
  };
}

const methods = {
  async validate({ account }) {
    const problems = (await plugin.validateAccount?.(account)) ?? [];
    return asStrings(problems);
  },
  async start({ instance, account, addresses, lastServerId }) {
    const state = { addresses: asStrings(addresses), lastServerId };
    instances.set(instance, { state });
    const mechanism = plugin.create(contextFor(instance, account, state));
    instances.get(instance).mechanism = mechanism;
    await mechanism.start();
    return null;
  },
  async stop({ instance }) {
    const running = instances.get(instance);
    instances.delete(instance);
    await running?.mechanism?.stop();
    return null;
  },
  async send({ instance, address, message }) {
    const running = instances.get(instance);
    if (!running?.mechanism) return { ok: false, reason: 'not running', final: false };
    return running.mechanism.send(address, message);
  },
};

serve(
  async (entry) => {
    const made = await loadEntry(entry);
    if (!made || typeof made.create !== 'function') throw new Error('the factory must return an object with create(context)');
    plugin = made;
    return {
      accountFields: made.accountFields ?? [],
      capabilities: made.capabilities ?? { presence: false, receipts: false },
      caseInsensitiveAddresses: made.caseInsensitiveAddresses === true,
    };
  },
  {
    call(message) {
      const method = methods[message.method];
      if (!method) return;
      void Promise.resolve()
        .then(() => method(message))
        .then(
          (value) => send({ t: 'result', call: message.call, ok: true, value: value ?? null }),
          (error) => send({ t: 'result', call: message.call, ok: false, error: errorText(error) }),
        );
    },
    addresses(message) {
      const running = instances.get(message.instance);
      if (!running) return;
      running.state.addresses = asStrings(message.addresses);
      try {
        running.mechanism?.addressesChanged?.();
      } catch (error) {
        send({ t: 'log', level: 'error', text: `addressesChanged failed: ${errorText(error)}` });
      }
    },
  },
);

// The sandbox's side of the channel to the core, shared by every kind of plugin process: it speaks
// over Node's IPC channel (a forked child) or Electron's parent port (a utilityProcess), answers the
// watchdog's pings, loads the plugin's entry, and reports what the plugin says of itself. Plain
// JavaScript, copied beside the bundles, since the sandbox is started as a file.
import { pathToFileURL } from 'node:url';

const MAX_TEXT = 2_000;
/** A string of bounded length: the core drops longer ones. */
export const text = (value) => String(value).slice(0, MAX_TEXT);
export const errorText = (error) => text(error instanceof Error ? error.message : error);

const port = process.parentPort; // set in an Electron utilityProcess, absent in a Node child

export const send = (message) => {
  try {
    if (port) port.postMessage(message);
    else process.send(message);
  } catch {
    process.exit(1); // the core has gone: nothing here has any use
  }
};

export const logger = (extra = {}) => {
  const log = (level) => (line) => send({ t: 'log', level, text: text(line), ...extra });
  return { info: log('info'), warn: log('warn'), error: log('error') };
};

/** Imports the plugin's entry and calls its default factory. */
export async function loadEntry(entry) {
  const module = await import(pathToFileURL(entry).href);
  if (typeof module.default !== 'function') throw new Error('the entry must export a factory function as default');
  return module.default();
}

/**
 * Serves the core: `load(entry)` makes the plugin and returns what it says of itself (sent with
 * "loaded"); every other message goes to `handlers[message.t]`.
 */
export function serve(load, handlers) {
  const receive = (message) => {
    switch (message?.t) {
      case 'ping':
        return send({ t: 'pong', n: message.n });
      case 'load':
        return void Promise.resolve()
          .then(() => load(message.entry))
          .then(
            (info) => send({ t: 'loaded', info: info ?? null }),
            (error) => send({ t: 'load-failed', error: errorText(error) }),
          );
      default:
        return handlers[message?.t]?.(message);
    }
  };
  if (port) port.on('message', (event) => receive(event.data));
  else process.on('message', receive);
  // A plugin's stray rejection is its own failure, not the end of the process (nor of other work).
  process.on('unhandledRejection', (reason) => send({ t: 'log', level: 'error', text: text(`unhandled rejection: ${reason}`) }));
}

// Delivery-manager plugins that power users drop into a folder (<config>/delivery-managers/<name>/,
// with manifest.json and an ES module). Each runs in a sandboxed process of its own
// (sandbox/sandboxed-manager.ts). They are loaded at start, and a folder that changes is reloaded on
// its own while the app runs: the old version serves until the new one has loaded, then finishes what
// it holds and is stopped. A plugin that fails to load is reported and skipped; one that crashes is
// restarted with back-off, and turned off after 3 crashes in 5 minutes (saving it again tries again).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../shared/mechanism';
import { describeIssues } from '../../shared/settings';
import { privateFolder } from '../storage/private-files';
import type { DeliveryManagerStore } from './managers';
import { SandboxedDeliveryManager } from './sandbox/sandboxed-manager';

/** The plugin API this Switchboard speaks; a plugin for another is refused, saying so. */
export const PLUGIN_API_VERSION = 1;

const manifestSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  kind: z.literal('delivery-manager'),
  displayName: z.string().min(1).max(100),
  entry: z.string().regex(/^[\w./-]+\.m?js$/, 'must name a .js or .mjs file in the plugin folder'),
  apiVersion: z.number().int().positive().optional(),
});

const CRASHES_ALLOWED = 3;
const CRASH_WINDOW_MS = 5 * 60_000;

export interface UserPluginFolder {
  /** Loads what is in the folder now and follows its changes. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface PluginFolderOptions {
  /** How long a plugin may go without answering, or leave a message idle (default 10 s). */
  readonly deadlineMs?: number;
  /** A plugin's heap limit (default 128 MB). */
  readonly memoryMb?: number;
  /** The first wait before a crashed plugin is started again; doubled at each crash (default 1 s). */
  readonly restartMs?: number;
}

interface Loaded {
  readonly id: string;
  readonly sandbox: SandboxedDeliveryManager;
}

export function userPluginFolder(
  directory: string,
  store: DeliveryManagerStore,
  builtins: readonly string[],
  log: Logger,
  problem: (key: string, text: string | undefined) => void,
  options: PluginFolderOptions = {},
): UserPluginFolder {
  const loaded = new Map<string, Loaded>(); // folder → what serves now
  const crashes = new Map<string, number[]>(); // folder → when it crashed, within the window
  const timers = new Map<string, NodeJS.Timeout>(); // folder → its pending reload or restart
  /** Reloads of one folder run one after the other: a second change waits for the first load. */
  const queues = new Map<string, Promise<void>>();
  let watcher: fs.FSWatcher | undefined;
  let stopped = false;

  const key = (folder: string) => `plugin:${folder}`;

  /** Loads (or reloads) one folder: the new version replaces the old only once it has loaded. */
  async function load(folder: string): Promise<void> {
    const where = path.join(directory, folder);
    let before: Loaded | undefined;
    try {
      const manifestFile = path.join(where, 'manifest.json');
      if (!fs.existsSync(manifestFile)) return unload(folder);
      const parsed = manifestSchema.safeParse(JSON.parse(fs.readFileSync(manifestFile, 'utf8')));
      if (!parsed.success) throw new Error(`manifest.json: ${describeIssues(parsed.error)}`);
      const manifest = parsed.data;
      if (manifest.apiVersion !== undefined && manifest.apiVersion !== PLUGIN_API_VERSION) {
        throw new Error(`it is written for version ${manifest.apiVersion} of the plugin API, and this Switchboard speaks version ${PLUGIN_API_VERSION}`);
      }
      if (builtins.includes(manifest.name)) throw new Error(`"${manifest.name}" is the name of a built-in delivery manager`);
      const other = [...loaded].find(([f, l]) => f !== folder && l.id === manifest.name);
      if (other) throw new Error(`"${manifest.name}" is already the name of the plugin in ${path.join(directory, other[0])}`);
      const entry = path.resolve(where, manifest.entry);
      if (!entry.startsWith(where + path.sep)) throw new Error('the entry must be inside the plugin folder');
      const sandbox = await SandboxedDeliveryManager.start({
        id: manifest.name,
        displayName: manifest.displayName,
        folder: where,
        entry,
        log,
        ...(options.deadlineMs !== undefined && { deadlineMs: options.deadlineMs }),
        ...(options.memoryMb !== undefined && { memoryMb: options.memoryMb }),
      });
      if (stopped) return void (await sandbox.stop());
      before = loaded.get(folder); // read once the new one has loaded: what serves until now
      sandbox.onExit((reason) => crashed(folder, sandbox, reason));
      loaded.set(folder, { id: manifest.name, sandbox });
      store.add(sandbox.plugin()); // replaces the old version under the same name, with no gap
      if (before && before.id !== manifest.name) store.remove(before.id);
      problem(key(folder), undefined);
      log.info(`delivery manager plugin "${manifest.name}" loaded from ${where}`);
    } catch (error) {
      problem(key(folder), `The delivery manager plugin in ${where} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
      return; // the old version, if any, goes on serving
    }
    if (before) void before.sandbox.retire();
  }

  /** A folder gone (or without a manifest): its manager goes; messages it held finish on the built-in one. */
  async function unload(folder: string): Promise<void> {
    const before = loaded.get(folder);
    loaded.delete(folder);
    crashes.delete(folder);
    problem(key(folder), undefined);
    if (!before) return;
    store.remove(before.id);
    await before.sandbox.stop();
  }

  function crashed(folder: string, sandbox: SandboxedDeliveryManager, reason: string): void {
    if (stopped || loaded.get(folder)?.sandbox !== sandbox) return; // a version replaced meanwhile
    const now = Date.now();
    const recent = [...(crashes.get(folder) ?? []).filter((at) => now - at < CRASH_WINDOW_MS), now];
    crashes.set(folder, recent);
    const where = path.join(directory, folder);
    log.warn(`delivery manager plugin in ${where} stopped: ${reason}`);
    if (recent.length >= CRASHES_ALLOWED) {
      loaded.delete(folder);
      store.remove(sandbox.plugin().id);
      problem(
        key(folder),
        `The delivery manager plugin in ${where} was turned off: it stopped ${recent.length} times in 5 minutes (the last time: ${reason}). Its messages went to the built-in manager. Save the plugin again to try it again.`,
      );
      return;
    }
    problem(key(folder), `The delivery manager plugin in ${where} stopped (${reason}); it is being started again.`);
    schedule(folder, (options.restartMs ?? 1_000) * 2 ** (recent.length - 1));
  }

  /** Loads a folder after any load of it under way, never beside one: two would both start a process. */
  function enqueue(folder: string): Promise<void> {
    const next = (queues.get(folder) ?? Promise.resolve()).then(() => (stopped ? undefined : load(folder)));
    queues.set(folder, next);
    return next;
  }

  function schedule(folder: string, ms: number): void {
    clearTimeout(timers.get(folder));
    timers.set(
      folder,
      setTimeout(() => {
        timers.delete(folder);
        void enqueue(folder);
      }, ms),
    );
  }

  const folders = () => (fs.existsSync(directory) ? fs.readdirSync(directory, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : []);

  return {
    async start() {
      // Code in this folder runs as the user: only they may put it there.
      privateFolder(directory);
      // Watch before the first scan, so that nothing added in between is missed.
      watcher = fs.watch(directory, { recursive: true }, (_event, name) => {
        // Editors write in several steps: a folder is reloaded once it is quiet. Only the folder changed.
        const top = name ? String(name).split(path.sep)[0] : undefined;
        for (const folder of top ? [top] : [...new Set([...loaded.keys(), ...folders()])]) {
          crashes.delete(folder); // saving a plugin again is trying it again
          schedule(folder, 200);
        }
      });
      watcher.on('error', (error) => log.warn(`cannot watch ${directory}: ${error.message}`));
      await Promise.all(folders().map((folder) => enqueue(folder)));
    },
    async stop() {
      stopped = true;
      watcher?.close();
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.all([...loaded.values()].map((l) => l.sandbox.stop()));
      loaded.clear();
    },
  };
}

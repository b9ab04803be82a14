// A folder power users drop plugins of one kind into (<config>/delivery-managers/<name>/,
// <config>/mechanisms/<name>/), each a folder with manifest.json and an ES module, run in a sandboxed
// process of its own. They are loaded at start, and a folder that changes is reloaded on its own while
// the app runs: the old version serves until the new one has loaded, then finishes what it holds and
// is stopped. A plugin that fails to load is reported and skipped; one that crashes is restarted with
// back-off, and turned off after 3 crashes in 5 minutes (saving it again tries again). What loading,
// serving and removing mean for a kind is its adapter's.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../shared/mechanism';
import { PLUGIN_API_VERSION, pluginManifest, type PluginKind, type PluginManifest } from '../../shared/plugin-manifest';
import { describeIssues } from '../../shared/settings';
import type { UserPluginView } from '../../shared/views';
import { NotFoundError } from '../ipc/handlers';
import { privateFolder } from '../storage/private-files';
import type { SandboxedPluginOptions } from './plugin-process';
import type { ProcessStarter } from './process-starter';

const CRASHES_ALLOWED = 3;
const CRASH_WINDOW_MS = 5 * 60_000;

export interface UserPluginFolder {
  /** Loads what is in the folder now and follows its changes. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Each plugin folder found, with its state. */
  views(): UserPluginView[];
  /** Loads one plugin again now, one turned off included ("Try again"). */
  retry(folder: string): Promise<void>;
  onChange(listener: () => void): () => void;
}

export interface PluginFolderOptions {
  /** How long a plugin may go without answering, or leave a message idle (default 10 s). */
  readonly deadlineMs?: number;
  /** A plugin's heap limit (default 128 MB). */
  readonly memoryMb?: number;
  /** The first wait before a crashed plugin is started again; doubled at each crash (default 1 s). */
  readonly restartMs?: number;
  /** Starts plugin processes (default: Node children; Electron gives a utilityProcess starter). */
  readonly starter?: ProcessStarter;
}

/** A plugin's running process, whatever its kind. */
export interface SandboxedPlugin {
  /** Called once when it ends other than by stop() or retire(): a crash, the watchdog. */
  onExit(listener: (reason: string) => void): void;
  /** A newer version took over: it finishes what it holds, then ends. */
  retire(): Promise<void>;
  stop(): Promise<void>;
}

/** What loading, serving and removing mean for one kind of plugin. */
export interface PluginKindAdapter<S extends SandboxedPlugin> {
  readonly kind: PluginKind;
  /** The kind in words: "delivery manager", "mechanism". */
  readonly what: string;
  /** The names of the built-in plugins of this kind, which a user's plugin may not take. */
  readonly builtins: readonly string[];
  /** What became of its work once it is turned off, for the window ("Its accounts are inactive."). */
  readonly turnedOff: string;
  /** Starts its process and loads it; rejects, saying why, when it cannot. */
  start(sandbox: SandboxedPluginOptions): Promise<S>;
  /** It serves now, in place of `before` (an older version, whose name may differ). */
  install(manifest: PluginManifest, sandbox: S, before: { readonly name: string; readonly sandbox: S } | undefined): void;
  /** It serves no more (its folder went, or it was turned off); `why` in words. */
  uninstall(name: string, sandbox: S, why: string): void;
}

interface Loaded<S> {
  readonly name: string;
  readonly sandbox: S;
}

export function userPluginFolder<S extends SandboxedPlugin>(
  directory: string,
  adapter: PluginKindAdapter<S>,
  log: Logger,
  problem: (key: string, text: string | undefined) => void,
  options: PluginFolderOptions = {},
): UserPluginFolder {
  const loaded = new Map<string, Loaded<S>>(); // folder → what serves now
  const crashes = new Map<string, number[]>(); // folder → when it crashed, within the window
  const timers = new Map<string, NodeJS.Timeout>(); // folder → its pending reload or restart
  /** Reloads of one folder run one after the other: a second change waits for the first load. */
  const queues = new Map<string, Promise<void>>();
  const shown = new Map<string, UserPluginView>(); // folder → its state, for Settings
  const changes = new EventEmitter();
  let watcher: fs.FSWatcher | undefined;
  let stopped = false;
  const { what } = adapter;

  /** Says how a folder's plugin is, in Settings and (when it is not running) in the window's problems. */
  function report(folder: string, state: UserPluginView['state'] | undefined, text?: string, manifest?: PluginManifest): void {
    problem(`plugin:${adapter.kind}:${folder}`, state === 'running' ? undefined : text);
    const known = manifest ?? shown.get(folder);
    if (state === undefined) shown.delete(folder);
    else {
      shown.set(folder, {
        kind: adapter.kind,
        folder,
        ...(known?.name !== undefined && { name: known.name }),
        ...(known?.displayName !== undefined && { displayName: known.displayName }),
        state,
        ...(text !== undefined && state !== 'running' && { problem: text }),
      });
    }
    changes.emit('change');
  }

  /** Loads (or reloads) one folder: the new version replaces the old only once it has loaded. */
  async function load(folder: string): Promise<void> {
    const where = path.join(directory, folder);
    let before: Loaded<S> | undefined;
    try {
      const manifestFile = path.join(where, 'manifest.json');
      if (!fs.existsSync(manifestFile)) return unload(folder);
      const parsed = pluginManifest.safeParse(JSON.parse(fs.readFileSync(manifestFile, 'utf8')));
      if (!parsed.success) throw new Error(`manifest.json: ${describeIssues(parsed.error)}`);
      const manifest = parsed.data;
      if (manifest.kind !== adapter.kind) throw new Error(`its manifest says it is a ${manifest.kind} plugin; this folder holds ${what} plugins`);
      if (manifest.apiVersion !== undefined && manifest.apiVersion !== PLUGIN_API_VERSION) {
        throw new Error(`it is written for version ${manifest.apiVersion} of the plugin API, and this Switchboard speaks version ${PLUGIN_API_VERSION}`);
      }
      if (adapter.builtins.includes(manifest.name)) throw new Error(`"${manifest.name}" is the name of a built-in ${what}`);
      const other = [...loaded].find(([f, l]) => f !== folder && l.name === manifest.name);
      if (other) throw new Error(`"${manifest.name}" is already the name of the plugin in ${path.join(directory, other[0])}`);
      const entry = path.resolve(where, manifest.entry);
      if (!entry.startsWith(where + path.sep)) throw new Error('the entry must be inside the plugin folder');
      const sandbox = await adapter.start({
        id: manifest.name,
        displayName: manifest.displayName,
        folder: where,
        entry,
        log,
        ...(options.deadlineMs !== undefined && { deadlineMs: options.deadlineMs }),
        ...(options.memoryMb !== undefined && { memoryMb: options.memoryMb }),
        ...(options.starter && { starter: options.starter }),
      });
      if (stopped) return void (await sandbox.stop());
      before = loaded.get(folder); // read once the new one has loaded: what serves until now
      sandbox.onExit((reason) => crashed(folder, sandbox, reason));
      loaded.set(folder, { name: manifest.name, sandbox });
      adapter.install(manifest, sandbox, before); // replaces the old version with no gap
      report(folder, 'running', undefined, manifest);
      log.info(`${what} plugin "${manifest.name}" loaded from ${where}`);
    } catch (error) {
      const text = `The ${what} plugin in ${where} could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
      // The old version, if any, goes on serving: Settings still shows it running, the window the problem.
      if (loaded.has(folder)) problem(`plugin:${adapter.kind}:${folder}`, text);
      else report(folder, 'not-loaded', text);
      return;
    }
    if (before) void before.sandbox.retire();
  }

  /** A folder gone (or without a manifest): its plugin goes. */
  async function unload(folder: string): Promise<void> {
    const before = loaded.get(folder);
    loaded.delete(folder);
    crashes.delete(folder);
    report(folder, undefined);
    if (!before) return;
    adapter.uninstall(before.name, before.sandbox, `its plugin was removed from ${path.join(directory, folder)}`);
    await before.sandbox.stop();
  }

  function crashed(folder: string, sandbox: S, reason: string): void {
    const serving = loaded.get(folder);
    if (stopped || serving?.sandbox !== sandbox) return; // a version replaced meanwhile
    const now = Date.now();
    const recent = [...(crashes.get(folder) ?? []).filter((at) => now - at < CRASH_WINDOW_MS), now];
    crashes.set(folder, recent);
    const where = path.join(directory, folder);
    log.warn(`${what} plugin in ${where} stopped: ${reason}`);
    if (recent.length >= CRASHES_ALLOWED) {
      loaded.delete(folder);
      const off = `The ${what} plugin in ${where} was turned off: it stopped ${recent.length} times in 5 minutes (the last time: ${reason}).`;
      adapter.uninstall(serving.name, sandbox, off);
      report(folder, 'turned-off', `${off} ${adapter.turnedOff} Save the plugin again, or try it again from Settings.`);
      return;
    }
    report(folder, 'restarting', `The ${what} plugin in ${where} stopped (${reason}); it is being started again.`);
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
    views: () => [...shown.values()].sort((a, b) => a.folder.localeCompare(b.folder)),
    async retry(folder) {
      if (!folders().includes(folder)) throw new NotFoundError(`There is no plugin folder "${folder}" in ${directory}.`);
      crashes.delete(folder);
      clearTimeout(timers.get(folder));
      await enqueue(folder);
    },
    onChange(listener) {
      changes.on('change', listener);
      return () => changes.off('change', listener);
    },
  };
}

// Delivery-manager plugins that power users drop into a folder (<config>/delivery-managers/<name>/,
// with manifest.json and an ES module). They are loaded at start and reloaded, added or removed while
// the app runs when the folder changes. A plugin that fails to load is reported and skipped.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { DeliveryManagerPlugin } from '../../shared/delivery';
import type { Logger } from '../../shared/mechanism';
import { describeIssues } from '../../shared/settings';
import { privateFolder } from '../storage/private-files';
import type { DeliveryManagerStore } from './managers';

const manifestSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  kind: z.literal('delivery-manager'),
  displayName: z.string().min(1).max(100),
  entry: z.string().regex(/^[\w./-]+\.m?js$/, 'must name a .js or .mjs file in the plugin folder'),
});

export interface UserPluginFolder {
  /** Loads what is in the folder now and follows its changes. */
  start(): Promise<void>;
  stop(): void;
}

export function userPluginFolder(
  directory: string,
  store: DeliveryManagerStore,
  builtins: readonly string[],
  log: Logger,
  problem: (key: string, text: string | undefined) => void,
): UserPluginFolder {
  const loaded = new Map<string, string>(); // folder → manager id
  let watcher: fs.FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let version = 0;

  async function load(folder: string): Promise<void> {
    const where = path.join(directory, folder);
    const key = `plugin:${folder}`;
    try {
      const manifestFile = path.join(where, 'manifest.json');
      if (!fs.existsSync(manifestFile)) return;
      const parsed = manifestSchema.safeParse(JSON.parse(fs.readFileSync(manifestFile, 'utf8')));
      if (!parsed.success) throw new Error(`manifest.json: ${describeIssues(parsed.error)}`);
      const manifest = parsed.data;
      if (builtins.includes(manifest.name)) throw new Error(`"${manifest.name}" is the name of a built-in delivery manager`);
      const entry = path.resolve(where, manifest.entry);
      if (!entry.startsWith(where + path.sep)) throw new Error('the entry must be inside the plugin folder');
      // A query string makes Node load the changed file instead of its cached module.
      const module = (await import(`${pathToFileURL(entry).href}?v=${++version}`)) as { default?: unknown };
      if (typeof module.default !== 'function') throw new Error(`${manifest.entry} must export a factory function as default`);
      const made = (module.default as () => unknown)() as Partial<DeliveryManagerPlugin> | undefined;
      if (!made || typeof made.create !== 'function') throw new Error('the factory must return an object with create()');
      const plugin: DeliveryManagerPlugin = { kind: 'delivery-manager', id: manifest.name, displayName: manifest.displayName, create: made.create.bind(made) };
      store.add(plugin);
      loaded.set(folder, plugin.id);
      problem(key, undefined);
      log.info(`delivery manager plugin "${plugin.id}" loaded from ${where}`);
    } catch (error) {
      problem(key, `The delivery manager plugin in ${where} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function rescan(): Promise<void> {
    const folders = fs.existsSync(directory) ? fs.readdirSync(directory, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
    for (const [folder, id] of [...loaded]) {
      store.remove(id);
      loaded.delete(folder);
      if (!folders.includes(folder)) problem(`plugin:${folder}`, undefined);
    }
    for (const folder of folders) await load(folder);
  }

  return {
    async start() {
      // Code in this folder runs as the user: only they may put it there.
      privateFolder(directory);
      // Watch before the first scan, so that nothing added in between is missed.
      watcher = fs.watch(directory, { recursive: true }, () => {
        // Editors write in several steps: act once the folder is quiet.
        clearTimeout(timer);
        timer = setTimeout(() => void rescan(), 200);
      });
      watcher.on('error', (error) => log.warn(`cannot watch ${directory}: ${error.message}`));
      await rescan();
    },
    stop() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}

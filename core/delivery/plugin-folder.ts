// Delivery-manager plugins that power users drop into <config>/delivery-managers/<name>/: each runs
// sandboxed (sandbox/sandboxed-manager.ts) and serves from the delivery manager store while its
// folder is there (core/plugin-host/plugin-folder.ts loads, reloads and restarts them). Messages it held
// when it went finish on the built-in manager.
import type { Logger } from '../../shared/mechanism';
import { userPluginFolder, type PluginFolderOptions, type UserPluginFolder } from '../plugin-host/plugin-folder';
import type { DeliveryManagerStore } from './managers';
import { SandboxedDeliveryManager } from './sandbox/sandboxed-manager';

export type { PluginFolderOptions, UserPluginFolder } from '../plugin-host/plugin-folder';

export function deliveryManagerFolder(
  directory: string,
  store: DeliveryManagerStore,
  builtins: readonly string[],
  log: Logger,
  problem: (key: string, text: string | undefined) => void,
  options: PluginFolderOptions = {},
): UserPluginFolder {
  return userPluginFolder<SandboxedDeliveryManager>(
    directory,
    {
      kind: 'delivery-manager',
      what: 'delivery manager',
      builtins,
      turnedOff: 'Its messages went to the built-in manager.',
      start: (sandbox) => SandboxedDeliveryManager.start(sandbox),
      install(manifest, sandbox, before) {
        store.add(sandbox.plugin()); // replaces the old version under the same name, with no gap
        if (before && before.name !== manifest.name) store.remove(before.name);
      },
      uninstall: (name) => store.remove(name),
    },
    log,
    problem,
    options,
  );
}

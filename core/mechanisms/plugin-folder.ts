// Mechanism plugins that power users drop into <config>/mechanisms/<name>/: each runs sandboxed
// (sandbox/sandboxed-mechanism.ts) and is a kind of account while its folder is there
// (core/plugin-host/plugin-folder.ts loads, reloads and restarts them). When a version loads, the accounts
// of its kind are started on it; when its folder goes, they become inactive, saying why.
import type { MechanismKinds } from '../accounts/kinds';
import type { Logger } from '../../shared/mechanism';
import { userPluginFolder, type PluginFolderOptions, type UserPluginFolder } from '../plugin-host/plugin-folder';
import { SandboxedMechanismPlugin } from './sandbox/sandboxed-mechanism';

export function mechanismFolder(
  directory: string,
  kinds: MechanismKinds,
  /** Starts the accounts of a kind (again) on the version of it installed now. */
  restartKind: (kind: string) => Promise<void>,
  log: Logger,
  problem: (key: string, text: string | undefined) => void,
  options: PluginFolderOptions = {},
): UserPluginFolder {
  const restart = (kind: string) => void restartKind(kind).catch((error: unknown) => log.error(`accounts of "${kind}": ${String(error)}`));
  return userPluginFolder<SandboxedMechanismPlugin>(
    directory,
    {
      kind: 'mechanism',
      what: 'mechanism',
      builtins: kinds.builtins,
      turnedOff: 'Its accounts are inactive.',
      start: (sandbox) => SandboxedMechanismPlugin.start(sandbox),
      install(manifest, sandbox, before) {
        kinds.install(sandbox.plugin());
        if (before && before.name !== manifest.name) {
          before.sandbox.end(`its plugin is now called "${manifest.name}"`);
          kinds.uninstall(before.name);
        }
        restart(manifest.name);
      },
      uninstall(name, sandbox, why) {
        sandbox.end(why);
        kinds.uninstall(name);
      },
    },
    log,
    problem,
    options,
  );
}

// The types a plugin author writes against, from one file: the manifest, the delivery-manager API
// (DeliveryJob and what deliver() returns) and the mechanism API (Mechanism, its context and what a
// send returns), with the version of the plugin API this Switchboard speaks. A plugin is an ES module
// whose default export is a factory returning the module's shape below; it runs in a sandboxed
// process, so the values it passes and returns must be plain data (JSON). See docs/plugins.md.
import type { DeliveryManager } from './delivery';
import type { AccountField, Mechanism, MechanismCapabilities, MechanismContext } from './mechanism';

export { PLUGIN_API_VERSION, type PluginKind, type PluginManifest } from './plugin-manifest';
export type { AttemptResult, DeliveryConfiguration, DeliveryJob, DeliveryManager, DeliveryResult, DeliveryStep, Verification } from './delivery';
export type {
  AccountField,
  IncomingMessage,
  Logger,
  Mechanism,
  MechanismCapabilities,
  MechanismContext,
  MechanismStatus,
  OutgoingMessage,
  SendOutcome,
} from './mechanism';
export type { MechanismId, PresenceShow, Priority } from './domain';

/** What the default export of a delivery-manager plugin's entry returns. */
export interface DeliveryManagerPluginModule {
  /** Called for every message: a fresh manager, whose deliver() decides the message's way. */
  create(): DeliveryManager;
}

/** A field of a mechanism plugin's account: a plugin reads no files but its own, so none names a file. */
export type PluginAccountField = Omit<AccountField, 'file'>;

/** What the default export of a mechanism plugin's entry returns. */
export interface MechanismPluginModule {
  /** The fields of its accounts, for the form in Settings. */
  readonly accountFields?: readonly PluginAccountField[];
  /** Default: neither presence nor receipts. */
  readonly capabilities?: MechanismCapabilities;
  /** Addresses that differ only in case are the same (compared lower-cased); default false. */
  readonly caseInsensitiveAddresses?: boolean;
  /** The problems with an account's settings, in words naming the field; none when it can be used. Checked when it is saved. */
  validateAccount?(account: Readonly<Record<string, unknown>>): readonly string[] | Promise<readonly string[]>;
  /** Makes the mechanism of one account; `context.account` holds its settings, secrets opened. */
  create(context: MechanismContext): Mechanism;
}

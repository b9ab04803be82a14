// The factories plugins are made with: each plugin says what is its own (its manifest, its schema,
// its way of delivering), and gets the plugin object the core expects.
import type { z } from 'zod';
import type { DeliveryJob, DeliveryManagerPlugin, DeliveryResult } from '../../shared/delivery';
import type { AccountField, Mechanism, MechanismCapabilities, MechanismContext, MechanismPlugin } from '../../shared/mechanism';
import { problemsWith } from '../../shared/settings';
import { checkAccountFiles, fieldNamer } from './account';

interface Manifest {
  readonly name: string;
  readonly displayName: string;
}

export function deliveryManagerPlugin(manifest: Manifest, deliver: (job: DeliveryJob) => Promise<DeliveryResult>): DeliveryManagerPlugin {
  return { kind: 'delivery-manager', id: manifest.name, displayName: manifest.displayName, create: () => ({ deliver }) };
}

export function mechanismPlugin(options: {
  readonly manifest: Manifest;
  readonly accountSchema: z.ZodType;
  readonly accountFields: readonly AccountField[];
  readonly capabilities: MechanismCapabilities;
  readonly normalizeAddress: (address: string) => string;
  readonly create: (context: MechanismContext) => Mechanism;
}): MechanismPlugin {
  return {
    kind: 'mechanism',
    id: options.manifest.name,
    displayName: options.manifest.displayName,
    capabilities: options.capabilities,
    normalizeAddress: options.normalizeAddress,
    accountFields: options.accountFields,
    validateAccount: (account) => problemsWith(options.accountSchema, account, fieldNamer(options.accountFields)),
    checkAccountFiles: (account) => checkAccountFiles(account, options.accountFields),
    create: options.create,
  };
}

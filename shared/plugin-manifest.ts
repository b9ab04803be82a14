// The manifest.json of a user's plugin (a delivery manager or a mechanism) and the version of the
// plugin API this Switchboard speaks: a plugin written for another version is refused, saying so.
import { z } from 'zod';

/** The plugin API this Switchboard speaks. */
export const PLUGIN_API_VERSION = 1;

export const pluginKinds = ['delivery-manager', 'mechanism'] as const;
export type PluginKind = (typeof pluginKinds)[number];

export const pluginManifest = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  kind: z.enum(pluginKinds),
  displayName: z.string().min(1).max(100),
  entry: z.string().regex(/^[\w./-]+\.m?js$/, 'must name a .js or .mjs file in the plugin folder'),
  /** The version of the plugin API it is written for; a plugin without one is taken as version 1. */
  apiVersion: z.number().int().positive().optional(),
});

export type PluginManifest = z.output<typeof pluginManifest>;

// Runs the real core (the one both hosts run) in the test process, with its settings written as the
// documented JSON file, and records every event it emits so tests can wait on them.
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../core/app';
import type { PluginFolderOptions } from '../../core/delivery/plugin-folder';
import { dispatch } from '../../core/ipc/dispatch';
import { confSettingsBackend } from '../../core/settings/conf-backend';
import type { SecretStore } from '../../core/settings/secrets';
import { builtinDeliveryManagers, builtinMechanisms } from '../../plugins/builtin';
import { eventNames, type EventName, type EventPayload, type RequestInput, type RequestName, type RequestResult } from '../../shared/contract';
import type { ContactView, DeliveryFailure, Glyph, PresenceChange } from '../../shared/domain';
import type { SettingsInput } from '../../shared/settings';
import { firstMatch } from './wait';

export interface CoreHarness {
  readonly core: Core;
  readonly dir: string;
  readonly notified: DeliveryFailure[];
  readonly logs: string[];
  /** Resolves with the first line of the core's log (already written or to come) that matches. */
  logged(match: RegExp, timeoutMs?: number): Promise<string>;
  readonly seen: { name: EventName; payload: unknown }[];
  call<K extends RequestName>(name: K, input: RequestInput<K>): Promise<RequestResult<K>>;
  /** Resolves with the first event (already seen or to come) of that name matching `match`. */
  event<K extends EventName>(name: K, match?: (payload: EventPayload<K>) => boolean, timeoutMs?: number): Promise<EventPayload<K>>;
  /**
   * Resolves once the glyphs the window would show (the last contact list, with every presence change
   * since applied) satisfy `check`; with them, by contact id.
   */
  glyphs(check: (glyphOf: (id: string) => Glyph | undefined) => boolean, timeoutMs?: number): Promise<(id: string) => Glyph | undefined>;
  stop(): Promise<void>;
}

export function startCore(settings: SettingsInput, options: { dir?: string; settleMs?: number; secrets?: SecretStore; pluginSandbox?: PluginFolderOptions } = {}): CoreHarness {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sb-core-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
  const logs: string[] = [];
  const notified: DeliveryFailure[] = [];
  const seen: { name: EventName; payload: unknown }[] = [];
  const arrivals = new EventEmitter();
  const line = (level: string) => (m: string) => {
    logs.push(`${level} ${m}`);
    arrivals.emit('log');
  };
  const core = createCore({
    settings: confSettingsBackend(dir),
    dataDir: dir,
    mechanisms: builtinMechanisms(),
    deliveryManagers: builtinDeliveryManagers(),
    log: { info: line('info'), warn: line('warn'), error: line('error') },
    notify: (failure) => void notified.push(failure),
    settleMs: options.settleMs ?? 10_000,
    ...(options.secrets && { secrets: options.secrets }),
    ...(options.pluginSandbox && { pluginSandbox: options.pluginSandbox }),
  });
  for (const name of eventNames) {
    core.events.on(name, (payload: unknown) => {
      seen.push({ name, payload });
      arrivals.emit('event');
    });
  }
  core.start();
  const harness: CoreHarness = {
    core,
    dir,
    notified,
    logs,
    seen,
    async call(name, input) {
      const result = await dispatch(core.handlers, name, input);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
      return result.value as never;
    },
    async glyphs(check, timeoutMs = 30_000) {
      const shown = new Map<string, Glyph>();
      // Changes from here on are applied over the list, in order: each carries the glyph as it became.
      let from = seen.length;
      for (const c of await harness.call('contacts:list', {})) shown.set(c.id, c.glyph);
      const glyphOf = (id: string) => shown.get(id);
      const signal = AbortSignal.timeout(timeoutMs);
      for (;;) {
        for (; from < seen.length; from++) {
          const e = seen[from]!;
          if (e.name === 'contacts:changed') for (const c of e.payload as ContactView[]) shown.set(c.id, c.glyph);
          if (e.name === 'contacts:presence') for (const c of e.payload as PresenceChange[]) shown.set(c.id, c.glyph);
        }
        if (check(glyphOf)) return glyphOf;
        try {
          await once(arrivals, 'event', { signal });
        } catch {
          throw new Error(`the glyphs did not come right within ${timeoutMs} ms: ${JSON.stringify(Object.fromEntries(shown))}\nlog:\n${logs.slice(-30).join('\n')}`);
        }
      }
    },
    async event(name, match = () => true, timeoutMs = 30_000) {
      const signal = AbortSignal.timeout(timeoutMs);
      let from = 0;
      for (;;) {
        for (; from < seen.length; from++) {
          const e = seen[from]!;
          if (e.name === name && match(e.payload as never)) return e.payload as never;
        }
        try {
          await once(arrivals, 'event', { signal });
        } catch {
          const recent = seen.filter((e) => e.name === name || e.name === 'mechanisms:changed').slice(-6).map((e) => `${e.name} ${JSON.stringify(e.payload)}`);
          throw new Error(`no ${name} event matched within ${timeoutMs} ms; recent events:\n${recent.join('\n')}\nlog:\n${logs.slice(-30).join('\n')}`);
        }
      }
    },
    logged: (match, timeoutMs = 30_000) => firstMatch(logs, (l) => match.test(l), arrivals, 'log', timeoutMs),
    stop: () => core.stop(),
  };
  return harness;
}

// Builds the renderer's API from the contract: `contacts:list` becomes `api.contacts.list(input)` and
// the event `contacts:changed` becomes `api.contacts.onChanged(listener)`. The preload (Electron) and
// the WebSocket client (browser host) both build it from the same keys, so the renderer sees one API
// and never a generic send/invoke.
import { eventNames, requestNames } from './contract';
import type { EventName, EventPayload, RequestInput, RequestName, RequestResult } from './contract';
import type { Result } from './result';

/** What a host must provide to carry the contract. */
export interface Transport {
  invoke(name: RequestName, input: unknown): Promise<Result<unknown>>;
  subscribe(name: EventName, listener: (payload: unknown) => void): () => void;
}

type DomainOf<K extends string> = K extends `${infer D}:${string}` ? D : never;
type VerbOf<K extends string> = K extends `${string}:${infer V}` ? V : never;

type RequestFns<D extends string> = {
  [K in RequestName as DomainOf<K> extends D ? VerbOf<K> : never]: (input: RequestInput<K>) => Promise<Result<RequestResult<K>>>;
};
type EventFns<D extends string> = {
  [K in EventName as DomainOf<K> extends D ? `on${Capitalize<VerbOf<K>>}` : never]: (
    listener: (payload: EventPayload<K>) => void,
  ) => () => void;
};

export type Domains = DomainOf<RequestName> | DomainOf<EventName>;
export type SwitchboardApi = { [D in Domains]: RequestFns<D> & EventFns<D> };

export function buildApi(transport: Transport): SwitchboardApi {
  const api: Record<string, Record<string, unknown>> = {};
  const domain = (name: string): Record<string, unknown> => (api[name.split(':')[0]!] ??= {});
  for (const name of requestNames) {
    const verb = name.split(':')[1]!;
    domain(name)[verb] = (input: unknown) => transport.invoke(name, input);
  }
  for (const name of eventNames) {
    const verb = name.split(':')[1]!;
    domain(name)[`on${verb[0]!.toUpperCase()}${verb.slice(1)}`] = (listener: (payload: unknown) => void) =>
      transport.subscribe(name, listener);
  }
  return api as unknown as SwitchboardApi;
}

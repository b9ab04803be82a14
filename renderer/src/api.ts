// The renderer's one way to reach the core: the preload's API under Electron, else the browser host's.
import { buildApi, type SwitchboardApi } from '../../shared/api';
import { webSocketTransport } from './ws-transport';

declare global {
  interface Window {
    /** Exposed by the Electron preload through contextBridge. */
    readonly switchboard?: SwitchboardApi;
  }
}

export const api: SwitchboardApi = window.switchboard ?? buildApi(webSocketTransport(window.location));

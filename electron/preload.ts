// The preload (sandboxed, bundled to CommonJS): exposes exactly the contract's named functions to the
// page through contextBridge. The page never sees ipcRenderer, and only contract names go through.
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../shared/api';
import type { Result } from '../shared/result';

const api = buildApi({
  invoke: (name, input) => ipcRenderer.invoke(name, input) as Promise<Result<unknown>>,
  subscribe: (name, listener) => {
    const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(name, forward);
    return () => void ipcRenderer.removeListener(name, forward);
  },
});

contextBridge.exposeInMainWorld('switchboard', api);

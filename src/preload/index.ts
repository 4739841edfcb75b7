// The preload exposes exactly one object, `window.nightshift` (the DesktopBridge of src/shared/api.ts):
// typed invoke for the contract's methods, an event subscription, and the native dialogs (open, save, PDF). Nothing else
// of Electron or Node reaches the page; the raw IpcRendererEvent never does.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, ApiMethod, DesktopBridge } from '../shared/api.js';
import { API_METHODS, IPC_DESKTOP_CHANNELS, IPC_EVENT_CHANNEL, ipcChannel } from '../shared/api.js';

const methods = new Set<string>(API_METHODS);

const bridge: DesktopBridge = {
  invoke(method, request) {
    if (!methods.has(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `unknown method ${JSON.stringify(method)}` } });
    }
    return ipcRenderer.invoke(ipcChannel(method as ApiMethod), request);
  },
  onEvent(listener) {
    const handler = (_e: IpcRendererEvent, event: ApiEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
  pickFile: (kind) => ipcRenderer.invoke(IPC_DESKTOP_CHANNELS[0], kind),
  saveExport: (study, format) => ipcRenderer.invoke(IPC_DESKTOP_CHANNELS[1], study, format),
  saveReportPdf: (study) => ipcRenderer.invoke(IPC_DESKTOP_CHANNELS[2], study),
};

contextBridge.exposeInMainWorld('nightshift', bridge);

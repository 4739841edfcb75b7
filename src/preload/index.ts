// The preload exposes exactly one object, `window.nightshift` (the DesktopBridge of src/shared/api.ts):
// typed invoke for the contract's methods, an event subscription, and the native dialogs (open, save, PDF). Nothing else
// of Electron or Node reaches the page; the raw IpcRendererEvent never does.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, ApiMethod, DesktopBridge, DesktopChannel, DesktopDialogs } from '../shared/api.js';
import { API_METHODS, IPC_DESKTOP_CHANNELS, IPC_EVENT_CHANNEL, ipcChannel } from '../shared/api.js';

const methods = new Set<string>(API_METHODS);

/** The call that forwards a dialog's own arguments on its named channel (main's handler of the same name answers). */
function desktopCall<C extends DesktopChannel>(name: C): (...args: Parameters<DesktopDialogs[C]>) => Promise<Awaited<ReturnType<DesktopDialogs[C]>>> {
  return (...args) => ipcRenderer.invoke(IPC_DESKTOP_CHANNELS[name], ...args);
}

/** The desktop channels by name: a missing or misspelled name does not compile. */
const dialogs: DesktopDialogs = {
  pickFile: desktopCall('pickFile'),
  saveExport: desktopCall('saveExport'),
  saveReportPdf: desktopCall('saveReportPdf'),
};

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
  ...dialogs,
};

contextBridge.exposeInMainWorld('nightshift', bridge);

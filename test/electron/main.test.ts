// Electron main with a stub `electron` module (no Electron binary here): it registers exactly the
// contract's channels, answers only its own page, and opens the window with the security options set.
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, IPC_DESKTOP_CHANNELS, ipcChannel } from '../../src/shared/api.js';
import { tempDir } from '../helpers/cli.js';

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const h = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  windows: [] as { options: { webPreferences: Record<string, unknown> }; contents: { listeners: Map<string, (e: { preventDefault(): void }) => void>; openHandler: (() => unknown) | null }; loaded: string | null }[],
  lock: true,
  quit: 0,
  appListeners: new Map<string, unknown>(),
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  rendererListeners: new Map<string, (e: unknown, payload: unknown) => void>(),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: { setWindowOpenHandler: (fn: () => unknown) => void; on: (ev: string, fn: (e: { preventDefault(): void }) => void) => void; send: () => void };
    constructor(options: { webPreferences: Record<string, unknown> }) {
      const rec = { options, contents: { listeners: new Map(), openHandler: null as (() => unknown) | null }, loaded: null as string | null };
      h.windows.push(rec);
      this.webContents = {
        setWindowOpenHandler: (fn) => void (rec.contents.openHandler = fn),
        on: (ev, fn) => void rec.contents.listeners.set(ev, fn),
        send: () => {},
      };
      this.loadFile = (f: string) => ((rec.loaded = f), Promise.resolve());
    }
    loadFile: (f: string) => Promise<void>;
    loadURL = () => Promise.resolve();
    on = () => this;
    show = () => {};
    focus = () => {};
    hide = () => {};
    isDestroyed = () => false;
  }
  const webRequest = { onHeadersReceived: () => {} };
  return {
    app: {
      requestSingleInstanceLock: () => h.lock,
      quit: () => void h.quit++,
      whenReady: () => Promise.resolve(),
      on: (ev: string, fn: unknown) => void h.appListeners.set(ev, fn),
    },
    ipcMain: { handle: (channel: string, fn: Handler) => void h.handlers.set(channel, fn) },
    BrowserWindow,
    session: { defaultSession: { webRequest, setPermissionRequestHandler: () => {} } },
    dialog: { showMessageBoxSync: () => 2, showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }) },
    Notification: Object.assign(function Notification() {}, { isSupported: () => false }),
    Tray: function Tray() {},
    Menu: { buildFromTemplate: () => ({}) },
    nativeImage: { createEmpty: () => ({}) },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void h.exposed.set(key, api) },
    ipcRenderer: {
      invoke: (...args: unknown[]) => (h.invoked.push(args), Promise.resolve({ ok: true, result: 'sent' })),
      on: (ch: string, fn: (e: unknown, p: unknown) => void) => void h.rendererListeners.set(ch, fn),
      removeListener: (ch: string) => void h.rendererListeners.delete(ch),
    },
  };
});

describe('Electron main (stub electron module)', () => {
  beforeEach(() => {
    vi.resetModules();
    h.handlers.clear();
    h.windows.length = 0;
    h.quit = 0;
    process.env.NIGHTSHIFT_HOME = tempDir();
    delete process.env.NIGHTSHIFT_DB;
    delete process.env.ELECTRON_RENDERER_URL;
  });

  it('registers exactly the contract channels and opens one locked-down window', async () => {
    h.lock = true;
    const { startDesktopApp } = await import('../../src/main/electron/app.js');
    const desktop = await startDesktopApp();
    expect(desktop).not.toBeNull();
    expect([...h.handlers.keys()].sort()).toEqual([...API_METHODS.map(ipcChannel), ...IPC_DESKTOP_CHANNELS].sort());

    expect(h.windows).toHaveLength(1);
    const w = h.windows[0]!;
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(w.options.webPreferences.preload)).toMatch(/preload[/\\]index\.(c|m)js$/);
    expect(w.loaded).toMatch(/renderer[/\\]index\.html$/);
    expect(w.contents.openHandler?.()).toEqual({ action: 'deny' });
    const prevented = vi.fn();
    w.contents.listeners.get('will-navigate')!({ preventDefault: prevented });
    expect(prevented).toHaveBeenCalled();

    // The engine answers the app's page through the real router and database, and nobody else.
    const list = h.handlers.get(ipcChannel('studies.list'))!;
    expect(await list({ senderFrame: { url: 'file:///app/out/renderer/index.html' } }, {})).toEqual({ ok: true, result: [] });
    const info = (await h.handlers.get(ipcChannel('db.info'))!({ senderFrame: { url: 'file:///x/index.html' } }, {})) as { result: { file: string } };
    expect(info.result.file).toBe(path.join(process.env.NIGHTSHIFT_HOME!, 'nightshift.db'));
    expect(await list({ senderFrame: { url: 'https://evil.example/' } }, {})).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await list({ senderFrame: { url: 'file:///x/index.html' } }, { study: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    await desktop!.router.close();
  });

  it('a second instance quits at once and registers nothing', async () => {
    h.lock = false;
    const { startDesktopApp } = await import('../../src/main/electron/app.js');
    expect(await startDesktopApp()).toBeNull();
    expect(h.quit).toBe(1);
    expect(h.handlers.size).toBe(0);
    expect(h.windows).toHaveLength(0);
  });
});

describe('preload (stub electron module)', () => {
  it('exposes only the typed bridge, forwards only contract methods, and never hands out the IPC event', async () => {
    await import('../../src/preload/index.js');
    expect([...h.exposed.keys()]).toEqual(['nightshift']);
    const bridge = h.exposed.get('nightshift') as import('../../src/shared/api.js').DesktopBridge;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent', 'pickFile', 'saveExport']);
    expect(await bridge.invoke('study.summary', { study: 'a' })).toEqual({ ok: true, result: 'sent' });
    expect(h.invoked.at(-1)).toEqual([ipcChannel('study.summary'), { study: 'a' }]);
    const before = h.invoked.length;
    const r = await bridge.invoke('shell.exec' as 'db.info', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(h.invoked.length).toBe(before);
    const got: unknown[] = [];
    const off = bridge.onEvent((e) => got.push(e));
    h.rendererListeners.get('nightshift:event')!({ sender: 'raw ipc event' }, { event: 'log', payload: { level: 'info', message: 'hi' } });
    expect(got).toEqual([{ event: 'log', payload: { level: 'info', message: 'hi' } }]);
    off();
    expect(h.rendererListeners.size).toBe(0);
  });
});

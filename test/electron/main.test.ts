// Electron main with a stub `electron` module (no Electron binary here): it registers exactly the
// contract's channels, answers only its own page, and opens the window with the security options set.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, IPC_DESKTOP_CHANNELS, ipcChannel, type DesktopBridge } from '../../src/shared/api.js';
import type { StudyExportJson } from '../../src/shared/types.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { specHash } from '../../src/main/engine/study/spec-hash.js';
import { tempDir } from '../helpers/cli.js';
import { testSpec } from '../helpers/spec.js';
import { waitFor } from '../helpers/procs.js';
import { writeStudy } from '../api/helpers.js';

const PDF_SPEC = testSpec({ name: 'pdfstudy' });

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const h = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  windows: [] as { options: { webPreferences: Record<string, unknown> }; contents: { listeners: Map<string, (e: { preventDefault(): void }) => void>; openHandler: (() => unknown) | null }; loaded: string | null; destroyed: boolean }[],
  lock: true,
  quit: 0,
  appListeners: new Map<string, unknown>(),
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  rendererListeners: new Map<string, (e: unknown, payload: unknown) => void>(),
  savePath: null as string | null,
  openPath: null as string | null,
  openFilters: [] as unknown[],
  // When set, the preload's invoke reaches main's registered handler of that channel, as this sender.
  route: null as { senderFrame: { url: string } } | null,
  printed: [] as { webPreferences: Record<string, unknown>; html: string; options: unknown }[],
  notifications: [] as { options: { title: string; body: string }; handlers: Map<string, () => void>; shown: boolean }[],
  notificationsSupported: false,
  executed: [] as string[],
  windowShown: 0,
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: {
      setWindowOpenHandler: (fn: () => unknown) => void;
      on: (ev: string, fn: (e: { preventDefault(): void }) => void) => void;
      send: () => void;
      printToPDF: (options: unknown) => Promise<Buffer>;
      executeJavaScript: (code: string) => Promise<unknown>;
    };
    constructor(options: { webPreferences: Record<string, unknown> }) {
      const rec = { options, contents: { listeners: new Map(), openHandler: null as (() => unknown) | null }, loaded: null as string | null, destroyed: false };
      h.windows.push(rec);
      this.webContents = {
        setWindowOpenHandler: (fn) => void (rec.contents.openHandler = fn),
        on: (ev, fn) => void rec.contents.listeners.set(ev, fn),
        send: () => {},
        executeJavaScript: (code: string) => (h.executed.push(code), Promise.resolve(undefined)),
        // Records what Chromium would print: the window's settings and the page it loaded.
        printToPDF: async (opts) => {
          h.printed.push({ webPreferences: options.webPreferences, html: readFileSync(rec.loaded!, 'utf8'), options: opts });
          return Buffer.from('%PDF-1.7 stub');
        },
      };
      this.loadFile = (f: string) => ((rec.loaded = f), Promise.resolve());
      this.destroy = () => void (rec.destroyed = true);
    }
    loadFile: (f: string) => Promise<void>;
    destroy: () => void;
    loadURL = () => Promise.resolve();
    on = () => this;
    show = () => void h.windowShown++;
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
    dialog: { showMessageBoxSync: () => 2, showOpenDialog: async (...args: { filters?: unknown }[]) => {
        h.openFilters.push(args.at(-1)?.filters);
        return h.openPath ? { canceled: false, filePaths: [h.openPath] } : { canceled: true, filePaths: [] };
      }, showSaveDialog: async () => (h.savePath ? { canceled: false, filePath: h.savePath } : { canceled: true }) },
    Notification: class Notification {
      static isSupported = () => h.notificationsSupported;
      private readonly rec: (typeof h.notifications)[number];
      constructor(options: { title: string; body: string }) {
        this.rec = { options, handlers: new Map(), shown: false };
        h.notifications.push(this.rec);
      }
      on(ev: string, fn: () => void) {
        this.rec.handlers.set(ev, fn);
        return this;
      }
      show() {
        this.rec.shown = true;
      }
    },
    Tray: function Tray() {},
    Menu: { buildFromTemplate: () => ({}) },
    nativeImage: { createEmpty: () => ({}) },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void h.exposed.set(key, api) },
    ipcRenderer: {
      invoke: (channel: string, ...args: unknown[]) => {
        h.invoked.push([channel, ...args]);
        const main = h.route && h.handlers.get(channel);
        return main ? Promise.resolve(main(h.route, ...args)) : Promise.resolve({ ok: true, result: 'sent' });
      },
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
    h.savePath = null;
    h.openPath = null;
    h.openFilters.length = 0;
    h.route = null;
    h.printed.length = 0;
    process.env.NIGHTSHIFT_HOME = tempDir();
    delete process.env.NIGHTSHIFT_DB;
    delete process.env.ELECTRON_RENDERER_URL;
  });

  it('registers exactly the contract channels and opens one locked-down window', async () => {
    h.lock = true;
    const { startDesktopApp } = await import('../../src/main/electron/app.js');
    const desktop = await startDesktopApp();
    expect(desktop).not.toBeNull();
    expect([...h.handlers.keys()].sort()).toEqual([...API_METHODS.map(ipcChannel), ...Object.values(IPC_DESKTOP_CHANNELS)].sort());

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

  it("a campaign's end notifies, and clicking the notification shows the window on the study's summary", async () => {
    h.lock = true;
    h.notificationsSupported = true;
    h.notifications.length = 0;
    h.executed.length = 0;
    const fx = writeStudy({ name: 'notify', trials: 2, delayMs: 5, dir: process.env.NIGHTSHIFT_HOME! });
    const { startDesktopApp } = await import('../../src/main/electron/app.js');
    const desktop = (await startDesktopApp())!;
    try {
      // A real campaign of two trials runs to its budget; its end is the notification.
      const r = await desktop.router.handle('campaign.start', { file: fx.file });
      expect(r.ok ? 'ok' : r.error.message).toBe('ok');
      await waitFor(() => h.notifications.length > 0, 30_000, 'the end-of-campaign notification');
      const n = h.notifications[0]!;
      expect(n.shown).toBe(true);
      expect(n.options.title).toBe('Campaign notify finished');
      expect(n.options.body).toContain('Click for the summary');
      const shownBefore = h.windowShown;
      n.handlers.get('click')!();
      expect(h.windowShown).toBe(shownBefore + 1);
      expect(h.executed).toEqual(['location.hash = "#/study/notify/summary"']);
    } finally {
      h.notificationsSupported = false;
      await desktop.router.close();
    }
  });

  it('exports the study report as a PDF printed in a hidden window with JavaScript off', async () => {
    h.lock = true;
    const db = path.join(process.env.NIGHTSHIFT_HOME!, 'nightshift.db');
    const store = openStore(db);
    const { study } = store.createStudy(PDF_SPEC, specHash(PDF_SPEC));
    store.enqueueTrial(study.id, { params: { lr: 0.01 }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
    const t = store.claimQueued(study.id, 'test')!;
    store.finishTrial(t.id, { state: 'complete', values: { acc: 0.875 }, metrics: { energy_j: 321 }, reason: null, provenance: null });
    store.close();

    const { startDesktopApp } = await import('../../src/main/electron/app.js');
    const desktop = await startDesktopApp();
    const exportPdf = h.handlers.get(IPC_DESKTOP_CHANNELS.saveReportPdf)!;
    expect(exportPdf).toBeDefined();
    const app = { senderFrame: { url: 'file:///x/index.html' } };
    // Another page, a cancelled dialog and an unknown study write nothing and print nothing.
    expect(await exportPdf({ senderFrame: { url: 'https://evil.example/' } }, 'pdfstudy')).toBeNull();
    expect(await exportPdf(app, 'pdfstudy')).toBeNull();
    h.savePath = path.join(tempDir(), 'report.pdf');
    expect(await exportPdf(app, 'no-such-study')).toBeNull();
    expect(h.printed).toHaveLength(0);

    expect(await exportPdf(app, 'pdfstudy')).toBe(h.savePath);
    expect(readFileSync(h.savePath, 'utf8')).toBe('%PDF-1.7 stub');
    expect(h.printed).toHaveLength(1);
    const p = h.printed[0]!;
    expect(p.webPreferences).toMatchObject({ javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(p.webPreferences.preload).toBeUndefined();
    expect(p.options).toMatchObject({ pageSize: 'A4', printBackground: true });
    // The engine's HTML report of this study, from the database: no script, the trial's value.
    expect(p.html).toContain('pdfstudy');
    expect(p.html).toContain('0.875');
    expect(p.html).not.toMatch(/<script/i);
    // The hidden window is gone and its temporary page removed; the app window stays.
    const hidden = h.windows.find((w) => w.options.webPreferences.javascript === false)!;
    expect(hidden.destroyed).toBe(true);
    expect(existsSync(hidden.loaded!)).toBe(false);
    expect(h.windows.filter((w) => !w.destroyed)).toHaveLength(1);
    await desktop!.router.close();
  });

  it('the preload reaches main on every desktop channel by name: each dialog gets its own handler', async () => {
    h.lock = true;
    const store = openStore(path.join(process.env.NIGHTSHIFT_HOME!, 'nightshift.db'));
    const { study } = store.createStudy(PDF_SPEC, specHash(PDF_SPEC));
    store.enqueueTrial(study.id, { params: { lr: 0.01 }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
    const t = store.claimQueued(study.id, 'test')!;
    store.finishTrial(t.id, { state: 'complete', values: { acc: 0.875 }, metrics: { energy_j: 321 }, reason: null, provenance: null });
    store.close();

    const { startDesktopApp } = await import('../../src/main/electron/app.js');
    const desktop = await startDesktopApp();
    await import('../../src/preload/index.js');
    const bridge = h.exposed.get('nightshift') as DesktopBridge;
    const dir = tempDir();
    try {
      h.route = { senderFrame: { url: 'file:///x/index.html' } };
      h.openPath = path.join(dir, 'study.yaml');
      expect(await bridge.pickFile('study')).toBe(h.openPath);
      expect(await bridge.pickFile('database')).toBe(h.openPath);
      expect(h.openFilters).toEqual([[{ name: 'Study files', extensions: ['yaml', 'yml', 'json'] }], [{ name: 'Nightshift databases', extensions: ['db', 'sqlite'] }]]);
      // Main checks what the page sends: an unknown kind opens no dialog.
      expect(await bridge.pickFile('shell' as 'study')).toBeNull();
      expect(h.openFilters).toHaveLength(2);

      h.savePath = path.join(dir, 'export.json');
      expect(await bridge.saveExport('pdfstudy', 'json')).toBe(h.savePath);
      const exported = JSON.parse(readFileSync(h.savePath, 'utf8')) as StudyExportJson;
      expect(exported.study.name).toBe('pdfstudy');
      expect(exported.trials.map((x) => x.values)).toEqual([{ acc: 0.875 }]);
      h.savePath = path.join(dir, 'export.csv');
      expect(await bridge.saveExport('pdfstudy', 'csv')).toBe(h.savePath);
      const [header, row] = readFileSync(h.savePath, 'utf8').split('\n');
      expect(header).toContain('value.acc');
      expect(row).toContain('0.875');

      h.savePath = path.join(dir, 'report.pdf');
      expect(await bridge.saveReportPdf('pdfstudy')).toBe(h.savePath);
      expect(readFileSync(h.savePath, 'utf8')).toBe('%PDF-1.7 stub');

      // Another page gets null from every dialog channel, and nothing is written.
      h.route = { senderFrame: { url: 'https://evil.example/' } };
      h.savePath = path.join(dir, 'evil.json');
      expect(await bridge.pickFile('study')).toBeNull();
      expect(await bridge.saveExport('pdfstudy', 'json')).toBeNull();
      expect(await bridge.saveReportPdf('pdfstudy')).toBeNull();
      expect(existsSync(h.savePath)).toBe(false);
      expect(h.openFilters).toHaveLength(2);
    } finally {
      h.route = null;
      await desktop!.router.close();
    }
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
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent', 'pickFile', 'saveExport', 'saveReportPdf']);
    await bridge.saveReportPdf('a');
    expect(h.invoked.at(-1)).toEqual([IPC_DESKTOP_CHANNELS.saveReportPdf, 'a']);
    await bridge.saveExport('a', 'csv');
    expect(h.invoked.at(-1)).toEqual([IPC_DESKTOP_CHANNELS.saveExport, 'a', 'csv']);
    await bridge.pickFile('database');
    expect(h.invoked.at(-1)).toEqual([IPC_DESKTOP_CHANNELS.pickFile, 'database']);
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

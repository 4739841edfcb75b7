// The one window: sandboxed renderer, no Node, no navigation away, no new windows, strict CSP.
import { BrowserWindow, session, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** Sandboxed preloads must be CommonJS; prefer a .cjs build when the bundler writes one. */
export function preloadPath(outMain: string): string {
  const cjs = path.join(outMain, '../preload/index.cjs');
  return existsSync(cjs) ? cjs : path.join(outMain, '../preload/index.mjs');
}

/** Whether a URL is the app's own page (file:// bundle, or the dev server electron-vite starts). */
export function isAppUrl(url: string, devUrl: string | undefined): boolean {
  if (devUrl) return url.startsWith(devUrl);
  return url.startsWith('file://');
}

export function harden(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

export function createMainWindow(outMain: string): BrowserWindow {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  // The page also carries a CSP meta tag; the header covers the dev server too. No permission (camera,
  // notifications from the page, ...) is ever granted to the renderer.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    title: 'Nightshift',
    show: true,
    webPreferences: secureWebPreferences(preloadPath(outMain)),
  });
  harden(win.webContents);
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(path.join(outMain, '../renderer/index.html'));
  return win;
}

// The desktop shell: one secure window over the renderer. The engine is hosted here by the Desktop work.
import { app, BrowserWindow } from 'electron';
import path from 'node:path';

export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true };
}

export function startDesktopApp(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.whenReady().then(() => {
    const win = new BrowserWindow({
      width: 1280,
      height: 800,
      title: 'Nightshift',
      webPreferences: secureWebPreferences(path.join(import.meta.dirname, '../preload/index.mjs')),
    });
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.webContents.on('will-navigate', (e) => e.preventDefault());
    const devUrl = process.env.ELECTRON_RENDERER_URL;
    if (devUrl) void win.loadURL(devUrl);
    else void win.loadFile(path.join(import.meta.dirname, '../renderer/index.html'));
  });
  app.on('window-all-closed', () => app.quit());
}

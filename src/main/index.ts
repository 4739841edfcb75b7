// Electron main entry. Kept thin: window and lifecycle live in ./electron, everything else in the engine.
import { app, dialog } from 'electron';
import { startDesktopApp } from './electron/app.js';

startDesktopApp().catch((e: unknown) => {
  // Most likely better-sqlite3 built for Node rather than Electron, or a database that cannot be opened.
  dialog.showErrorBox('Nightshift cannot start', (e as Error).message);
  app.exit(1);
});

// The IPC transport: one handler per API method (channel `nightshift:api:<method>`), the desktop-only
// dialogs, and pushed events on one channel. Main re-validates everything (the router does) and answers
// only the app's own page.
import { dialog, type BrowserWindow, type IpcMain, type IpcMainInvokeEvent } from 'electron';
import { writeFileSync } from 'node:fs';
import { API_METHODS, IPC_DESKTOP_CHANNELS, IPC_EVENT_CHANNEL, ipcChannel, type DatabaseInfo, type DesktopChannel, type DesktopDialogs } from '../../shared/api.js';
import type { StudyExportJson } from '../../shared/types.js';
import type { ApiRouter } from '../api/router.js';
import { trialsCsv } from '../engine/report/csv.js';
import { printHtmlToPdf, studyReportHtml } from './report-pdf.js';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** The page's arguments as they arrive: as many as the dialog takes, each unknown until checked. */
type Unchecked<Args extends unknown[]> = { [I in keyof Args]: unknown };
/** Main's side of each desktop channel: the dialog's unchecked arguments, and its result. */
type DesktopHandlers = { [C in DesktopChannel]: (...args: Unchecked<Parameters<DesktopDialogs[C]>>) => ReturnType<DesktopDialogs[C]> };
// Object.keys widens to string[]; the keys of this `as const` literal are exactly the channel names.
const desktopChannels = Object.keys(IPC_DESKTOP_CHANNELS) as DesktopChannel[];

const untrusted = { ok: false, error: { code: 'invalid_request', message: 'refused: the request did not come from the Nightshift window' } } as const;

export function registerIpc(ipcMain: IpcMain, router: ApiRouter, trusted: SenderCheck, window: () => BrowserWindow | null): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), (event, request: unknown) => (trusted(event) ? router.handle(method, request) : untrusted));
  }
  const save = async (opts: Electron.SaveDialogOptions) => {
    const win = window();
    const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
    return r.canceled || !r.filePath ? null : r.filePath;
  };
  // One handler per desktop channel, by the same names the preload calls; arguments arrive unchecked from the page.
  const dialogs: DesktopHandlers = {
    async pickFile(kind) {
      if (kind !== 'study' && kind !== 'database') return null;
      const filters = kind === 'study' ? [{ name: 'Study files', extensions: ['yaml', 'yml', 'json'] }] : [{ name: 'Nightshift databases', extensions: ['db', 'sqlite'] }];
      const win = window();
      const r = win ? await dialog.showOpenDialog(win, { properties: ['openFile'], filters }) : await dialog.showOpenDialog({ properties: ['openFile'], filters });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async saveExport(study, format) {
      if (typeof study !== 'string' || (format !== 'json' && format !== 'csv')) return null;
      const data = await router.handle('study.export', { study });
      if (!data.ok) return null;
      const opts = { defaultPath: `${study}.${format}`, filters: [{ name: format.toUpperCase(), extensions: [format] }] };
      const file = await save(opts);
      if (!file) return null;
      const exp = data.result as StudyExportJson;
      writeFileSync(file, format === 'json' ? JSON.stringify(exp, null, 2) : trialsCsv(exp.trials));
      return file;
    },
    async saveReportPdf(study) {
      if (typeof study !== 'string') return null;
      // The database the router has open now (the user may have opened another file since the start).
      const db = await router.handle('db.info', {});
      const html = db.ok ? await studyReportHtml((db.result as DatabaseInfo).file, study) : null;
      if (!html) return null;
      const file = await save({ defaultPath: `${study}.pdf`, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
      if (!file) return null;
      writeFileSync(file, await printHtmlToPdf(html));
      return file;
    },
  };
  for (const name of desktopChannels) {
    const handler: (...args: unknown[]) => Promise<unknown> = dialogs[name];
    ipcMain.handle(IPC_DESKTOP_CHANNELS[name], (event, ...args: unknown[]) => (trusted(event) ? handler(...args) : null));
  }
  return router.subscribe((e) => {
    const win = window();
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, e);
  });
}

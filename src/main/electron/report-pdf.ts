// "Export report as PDF" in the desktop app: the engine's self-contained HTML report, printed by
// Electron's own Chromium (printToPDF), so the app needs no separate browser (the CLI's path, in
// engine/report/pdf.ts, does). The report has no script, so its window runs none.
import { BrowserWindow } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { htmlReportOffThread } from '../engine/report/index.js';
import { openStoreReader } from '../engine/storage/open.js';
import { harden } from './window.js';

/**
 * The HTML report of `study` from the database file `db` (read-only), or null when there is no such study; its
 * importance forests grow in the importance worker, off the loop that serves the window.
 */
export async function studyReportHtml(db: string, study: string, version?: string): Promise<string | null> {
  const store = openStoreReader(db);
  try {
    const record = store.getStudy(study);
    return record ? await htmlReportOffThread(store, record, { version }) : null;
  } finally {
    store.close();
  }
}

/** Prints `html` (A4, backgrounds on) in a hidden window with JavaScript disabled; returns the PDF bytes. */
export async function printHtmlToPdf(html: string): Promise<Buffer> {
  // A file, not a data: URL: Chromium refuses URLs over 2 MB, and a report with many curves can be larger.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-report-'));
  const file = path.join(dir, 'report.html');
  writeFileSync(file, html);
  const win = new BrowserWindow({
    show: false,
    webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false, spellcheck: false },
  });
  try {
    harden(win.webContents);
    await win.loadFile(file);
    return await win.webContents.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      // Inches: 14 mm top and bottom, 12 mm at the sides, as the CLI's Chromium PDF.
      margins: { top: 0.55, bottom: 0.55, left: 0.47, right: 0.47 },
    });
  } finally {
    win.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

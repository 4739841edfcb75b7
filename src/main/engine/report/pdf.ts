// PDF from the HTML report through headless Chromium (the desktop app prints with Electron's
// printToPDF instead). playwright-core is loaded only when a PDF is asked for, so the CLI and the
// engine run without it.
import { existsSync } from 'node:fs';

export class PdfUnavailableError extends Error {
  constructor(why: string) {
    super(
      `cannot make a PDF: ${why}. Install Chromium (Debian/Ubuntu: \`sudo apt install chromium\`) or set NIGHTSHIFT_CHROMIUM=/path/to/chromium; ` +
        'or export --format html and print it from any browser',
    );
    this.name = 'PdfUnavailableError';
  }
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium to use: $NIGHTSHIFT_CHROMIUM, else the first of the usual install paths that exists. */
export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const own = env.NIGHTSHIFT_CHROMIUM;
  if (own) return existsSync(own) ? own : null;
  return CANDIDATES.find((c) => existsSync(c)) ?? null;
}

/** Chromium flags for a quiet, offline, sandbox-less (containers, CI) headless run. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Prints `html` to `outFile` (A4, backgrounds on) with JavaScript disabled, as the report needs none. */
export async function htmlToPdf(html: string, outFile: string, opts: { chromium?: string } = {}): Promise<void> {
  const executablePath = opts.chromium ?? findChromium();
  if (!executablePath) {
    const own = process.env.NIGHTSHIFT_CHROMIUM;
    throw new PdfUnavailableError(own ? `NIGHTSHIFT_CHROMIUM=${own} does not exist` : `no Chromium found (looked for ${CANDIDATES.join(', ')})`);
  }
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new PdfUnavailableError('the playwright-core package is not installed');
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ path: outFile, format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}

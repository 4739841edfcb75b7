// Debian's Chromium driven by playwright-core (never a downloaded browser), and the renderer build it loads.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../helpers/cli.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the renderer when out/renderer is missing or older than its sources (CI builds it before tests). */
export function ensureRendererBuilt(): void {
  const index = path.join(ROOT, 'out', 'renderer', 'index.html');
  const sources = Math.max(newest(path.join(ROOT, 'src', 'renderer')), newest(path.join(ROOT, 'src', 'shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** Starts `nightshift serve --port 0 --json` and returns its URL once it listens. */
export function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; port: number; token: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'nightshift.mjs'), 'serve', '--port', '0', '--json', ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        const { url, port } = JSON.parse(line) as { url: string; port: number };
        resolve({ child, url, port, token: new URL(url).searchParams.get('token')! });
      }
    });
    child.on('exit', (code) => reject(new Error(`nightshift serve exited with ${code}: ${err}`)));
  });
}

/** `shot(name)` in the light theme, then `shot(name-dark)` in the dark one; the page is left light. */
export async function bothThemes(page: Page, shot: (name: string) => Promise<unknown>, name: string): Promise<void> {
  await shot(name);
  await page.click('button[aria-label^="Switch to dark"]');
  await shot(`${name}-dark`);
  await page.click('button[aria-label^="Switch to light"]');
}

export async function stopServe(serve: Awaited<ReturnType<typeof startServe>> | undefined): Promise<void> {
  if (!serve || serve.child.exitCode !== null) return;
  const exited = new Promise((r) => serve.child.once('exit', r));
  serve.child.kill('SIGTERM');
  await exited;
}

export interface ServedPage {
  serve: Awaited<ReturnType<typeof startServe>>;
  browser: Browser;
  page: Page;
}

/** `nightshift serve` with `args`, and one 1360×900 light Chromium page on it; a page error fails the test. */
export async function servedPage(args: string[], env: NodeJS.ProcessEnv): Promise<ServedPage> {
  const serve = await startServe(args, env);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });
  page.on('pageerror', (e) => {
    throw e;
  });
  return { serve, browser, page };
}

export async function closeServedPage(s: Partial<ServedPage>): Promise<void> {
  await s.browser?.close();
  await stopServe(s.serve);
}

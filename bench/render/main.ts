// Render benchmark, in Debian's Chromium against the real server and router: how long the study page of a
// 10,000-trial study (one trial with 100,000 report points) takes to be ready against a 12-trial study's page
// measured in the same run, the size of their `study.summary`, and the frame times of every interaction
// (bench/render/interactions.ts). Run: node bench/render/run.mjs [--out FILE.md] (needs `npx electron-vite build`
// first for out/renderer; BENCH_RENDERER=DIR serves another build, to alternate before and after).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ApiRouter } from '../../src/main/api/router.js';
import { startServer } from '../../src/main/server/server.js';
import { apiTimes } from './api-times.js';
import { interactions, type InteractionRow } from './interactions.js';
import { seed } from './seed.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 10_000);
const REPORTS = Number(process.env.BENCH_REPORTS ?? 100_000);
const SMALL = 12;
/** Page loads per study; the median is reported (the machine is shared, single loads are noisy). */
const LOADS = Number(process.env.BENCH_LOADS ?? 3);
const root = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
/** The built renderer to serve: BENCH_RENDERER=/path/to/out/renderer measures another build (before/after). */
const rendererDir = process.env.BENCH_RENDERER ?? path.join(root, 'out', 'renderer');
const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : undefined;

/**
 * What "the page is ready" means: every panel that shows data has drawn it. Selectors of panels this build
 * does not have are skipped (so the same script measures builds before and after a panel was added).
 */
const READY = ['[data-pareto-point]', '[data-testid="trials-table"] tbody tr', '[data-testid="learning-curves"]', '[data-testid="morning-summary"]', '[data-testid="timeline"]'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** From the library, click the study and wait until each of `panels` is drawn; milliseconds. */
async function pageReady(page: Page, url: string, study: string, panels: readonly string[]): Promise<number> {
  await page.goto(url);
  await page.locator(`tr[data-study="${study}"]`).waitFor();
  const start = await page.evaluate(() => performance.now());
  await page.click(`a[href="#/study/${study}"]`);
  for (const sel of panels) await page.locator(sel).first().waitFor({ timeout: 120_000 });
  await page.evaluate(() => new Promise(requestAnimationFrame));
  return (await page.evaluate(() => performance.now())) - start;
}

/** The panels of READY that this build has (a test id is known when the page's script contains it). */
async function panelsOfThisBuild(page: Page): Promise<string[]> {
  const script = await page.evaluate(async () => {
    const srcs = Array.from(document.querySelectorAll('script[src]'), (s) => (s as HTMLScriptElement).src);
    return (await Promise.all(srcs.map(async (src) => (await fetch(src)).text()))).join('\n');
  });
  return READY.filter((sel) => {
    const id = /data-testid="([^"]+)"/.exec(sel)?.[1];
    return id === undefined || script.includes(id);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-render-bench-'));
  const db = path.join(dir, 'bench.db');
  const t0 = performance.now();
  seed(db, 'bench', TRIALS, REPORTS);
  seed(db, 'small', SMALL, 5);
  process.stderr.write(`seeded ${TRIALS} trials (${REPORTS} reports on trial 0) and ${SMALL} trials in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const calls = [...(await apiTimes(db, 'small')).map((r) => [`${SMALL} trials`, ...r]), ...(await apiTimes(db, 'bench')).map((r) => [`${TRIALS} trials`, ...r])];
  const router = new ApiRouter({ db });
  const bytes = async (study: string) => {
    const r = await router.handle('study.summary', { study });
    if (!r.ok) throw new Error(r.error.message);
    return Buffer.byteLength(JSON.stringify(r.result));
  };
  const server = await startServer({ router, port: 0, rendererDir });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const pages: string[][] = [];
  const rows: InteractionRow[] = [];
  let panels: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(server.url);
    panels = await panelsOfThisBuild(page);
    const loads: Record<string, number[]> = { small: [], bench: [] };
    // Alternating, so a burst of load on the shared machine hits both studies alike.
    for (let i = 0; i < LOADS; i++) for (const s of ['small', 'bench']) loads[s]!.push(await pageReady(page, server.url, s, panels));
    const small = median(loads.small!);
    const big = median(loads.bench!);
    pages.push([`${SMALL} trials`, small.toFixed(0), loads.small!.map((x) => x.toFixed(0)).join(', '), `${((await bytes('small')) / 1024).toFixed(1)}`, '1.00']);
    pages.push([`${TRIALS} trials, one with ${REPORTS} reports`, big.toFixed(0), loads.bench!.map((x) => x.toFixed(0)).join(', '), `${((await bytes('bench')) / 1024).toFixed(1)}`, (big / small).toFixed(2)]);

    // The big study is on screen now: interactions.
    rows.push(...(await interactions(page, 'bench', TRIALS, REPORTS)));
  } finally {
    await browser.close();
    await server.close();
    await router.close();
  }
  const table = (head: string[], body: string[][]) => {
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
    const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
    return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
  };
  const text = [
    table(['study page', 'ready ms (median)', `ready ms (${LOADS} loads)`, 'study.summary KB', 'x the 12-trial page'], pages),
    '',
    table(['study', 'API call', 'cold ms', 'warm ms (median of 3)', 'answer KB'], calls),
    '',
    table(
      ['view', 'interaction', 'frame ms median', 'p95', 'max', 'frames', 'frames over 17.5 ms'],
      rows.map((r) => [r.view, r.interaction, r.stats.median.toFixed(1), r.stats.p95.toFixed(1), r.stats.max.toFixed(1), String(r.stats.frames), String(r.stats.over)]),
    ),
    '',
    `Chromium headless, --disable-gpu (software rendering); "ready" runs from the click in the library until every data panel is drawn (${panels.join(', ')}) and one more frame has painted, API calls included; nothing is deferred past it. The server is fresh, so each study's first load is cold (read and computed) and the later ones find the data unchanged; the median of ${LOADS} is reported. API calls: timed through the router on a fresh one (cold) and again (warm), JSON serialisation included. Load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores. Renderer: ${rendererDir}.`,
  ].join('\n');
  process.stdout.write(text + '\n');
  if (outFile) writeFileSync(outFile, text + '\n');
}

await main();

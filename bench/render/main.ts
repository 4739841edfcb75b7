// Render benchmark: frame times of the Pareto and curve views with 10,000 trials (and one trial with
// 100,000 report points), in Debian's Chromium against the real server and router. Prints a table.
// Run: node bench/render/run.mjs   (needs `npx electron-vite build` first for out/renderer)
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ApiRouter } from '../../src/main/api/router.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { startServer } from '../../src/main/server/server.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { specHash } from '../../src/main/engine/study/spec-hash.js';
import { parseStudyText } from '../../src/main/engine/study/spec.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 10_000);
const REPORTS = Number(process.env.BENCH_REPORTS ?? 100_000);
const root = process.env.NIGHTSHIFT_ROOT ?? process.cwd();

function seed(db: string): void {
  const spec = parseStudyText(
    `name: bench
trainer: {command: [node, t.mjs]}
search_space:
  lr: {type: float, low: 0.0001, high: 0.1, log: true}
  units: {type: int, low: 16, high: 512}
objectives:
  - {metric: val_accuracy, direction: maximize}
  - {metric: energy_j, direction: minimize}
budget: {trials: ${TRIALS}}
`,
    { file: path.join(path.dirname(db), 'bench.yaml'), format: 'yaml', strategies: STRATEGIES },
  );
  const store = openStore(db);
  const { study } = store.createStudy(spec, specHash(spec));
  let rnd = 12345;
  const rand = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  store.transaction(() => {
    for (let i = 0; i < TRIALS; i++) {
      const t = store.enqueueTrial(study.id, { params: { lr: 0.0001 + rand() * 0.0999, units: 16 + Math.floor(rand() * 496) }, budget: null, lineage: { kind: 'enqueued' } });
      store.claimQueued(study.id, 'bench|1|x');
      const energy = 100 + rand() * 5000;
      const acc = Math.min(0.99, 0.5 + 0.45 * (1 - Math.exp(-energy / 1500)) * rand() ** 0.3);
      const steps = i === 0 ? REPORTS : 5;
      for (let s = 1; s <= steps; s++) store.addReport(t.id, s, { val_accuracy: acc * (1 - Math.exp(-s / (steps / 4))), loss: 1 / s });
      store.finishTrial(t.id, { state: 'complete', values: { val_accuracy: acc, energy_j: energy }, metrics: { duration_s: 1 }, reason: null });
    }
  });
  store.setStudyState(study.id, 'finished', 'bench');
  store.close();
}

/** rAF intervals (ms) while `drive` runs. */
async function frames(page: Page, drive: () => Promise<void>): Promise<number[]> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__frames = [];
    w.__stop = false;
    let last = performance.now();
    const loop = (t: number) => {
      w.__frames.push(t - last);
      last = t;
      if (!w.__stop) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  await drive();
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__stop = true;
    return w.__frames.slice(1);
  });
}

function stats(xs: number[]): { median: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { median: q(0.5), p95: q(0.95), max: s.at(-1) ?? NaN };
}

async function resizes(page: Page): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await page.setViewportSize({ width: i % 2 ? 1360 : 1200, height: 900 });
    await page.waitForTimeout(50);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-render-bench-'));
  const db = path.join(dir, 'bench.db');
  const t0 = performance.now();
  seed(db);
  process.stderr.write(`seeded ${TRIALS} trials, ${REPORTS} reports on trial 0 in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const router = new ApiRouter({ db });
  const server = await startServer({ router, port: 0, rendererDir: path.join(root, 'out', 'renderer') });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const rows: string[][] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(server.url);
    await page.locator('tr[data-study="bench"]').waitFor();

    let start = await page.evaluate(() => performance.now());
    await page.click('a[href="#/study/bench"]');
    await page.locator('[data-pareto-point]').first().waitFor();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const paretoLoad = (await page.evaluate(() => performance.now())) - start;
    const box = (await page.locator('svg[aria-label^="Pareto front"]').boundingBox())!;
    const hover = stats(
      await frames(page, async () => {
        for (let i = 0; i < 120; i++) await page.mouse.move(box.x + (box.width * (i % 60)) / 60, box.y + box.height / 2 + Math.sin(i) * 80);
      }),
    );
    const redraw = stats(await frames(page, () => resizes(page)));
    const pts = await page.locator('[data-pareto-point]').count();
    rows.push([`Pareto (${TRIALS} points, ${pts} on front)`, paretoLoad.toFixed(0), `hover ${hover.median.toFixed(1)} / ${hover.p95.toFixed(1)} / ${hover.max.toFixed(1)}`, `resize ${redraw.median.toFixed(1)} / ${redraw.p95.toFixed(1)} / ${redraw.max.toFixed(1)}`]);

    start = await page.evaluate(() => performance.now());
    await page.evaluate(() => (location.hash = '#/study/bench/trial/0'));
    await page.locator('[data-testid="trial-params"]').waitFor();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const curveLoad = (await page.evaluate(() => performance.now())) - start;
    const curve = stats(await frames(page, () => resizes(page)));
    rows.push([`Curves (trial with ${REPORTS} reports)`, curveLoad.toFixed(0), '', `resize ${curve.median.toFixed(1)} / ${curve.p95.toFixed(1)} / ${curve.max.toFixed(1)}`]);
  } finally {
    await browser.close();
    await server.close();
    await router.close();
  }
  const head = ['view', 'first render ms', 'frame ms median / p95 / max', 'frame ms median / p95 / max'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  process.stdout.write([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n');
  process.stdout.write('Chromium headless, --disable-gpu (software rendering); first render includes the API call.\n');
}

await main();

// The study page's morning summary and timeline in Debian's Chromium, through `nightshift serve`, after a
// real campaign run by `nightshift run` (trials failing for two reasons, a baseline); and an Optuna storage
// served read-only. Every figure is checked against the database.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import { cliEnv, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { failingStudy } from '../api/failing-study.js';
import { fingerprint, makeOptunaDb } from '../engine/optuna/helpers.js';
import { bothThemes, ensureRendererBuilt, hasChromium, launchChromium, startServe, stopServe, closeServedPage, servedPage, type ServedPage } from './browser.js';

const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

describe.skipIf(!hasChromium)('morning summary and timeline (Chromium, nightshift serve, finished campaign)', () => {
  const dir = tempDir('nightshift-e2e-morning-');
  const fx = failingStudy(dir, 16);
  let serve: ServedPage['serve'];
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureRendererBuilt();
    const run = await runCli(['run', fx.file, '--db', fx.db], { env: cliEnv(dir) });
    expect(run.code, run.stderr).toBe(0);
    ({ serve, browser, page } = await servedPage(['--db', fx.db], cliEnv(dir)));
  }, 120_000);

  afterAll(() => closeServedPage({ serve, browser }));

  const db = () => {
    const store = openStoreReader(fx.db);
    try {
      const s = store.getStudy('morning')!;
      return { counts: store.counts(s.id), trials: store.trials(s.id), provenance: store.provenanceOfStudy(s.id) };
    } finally {
      store.close();
    }
  };

  it("the summary's counts, failure groups and wall time equal the database's", async () => {
    await page.goto(serve.url);
    await page.click('a[href="#/study/morning"]');
    const summary = page.locator('[data-testid="morning-summary"]');
    await summary.locator('[data-summary-count="complete"]').waitFor();
    const d = db();
    for (const st of ['complete', 'pruned', 'failed'] as const) {
      expect(Number(await summary.locator(`[data-summary-count="${st}"]`).textContent())).toBe(d.counts[st]);
    }
    expect(d.counts.failed).toBeGreaterThan(0);
    const groups = await summary.locator('[data-failure-count]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-failure-count'))));
    expect(groups.reduce((a, b) => a + b, 0)).toBe(d.counts.failed);
    // A finished study shows the wall time it used, not "0.0 s".
    expect(await summary.locator('[data-testid="summary-wall"]').textContent()).not.toMatch(/^0\.0 s$/);
    expect(await page.locator('.bar', { hasText: 'Wall time (last run)' }).textContent()).not.toContain('0.0 s');
    // Processes and the fixed cost's share of the energy: one process per trial that ran.
    const ran = d.trials.filter((t) => t.metrics.duration_s !== undefined).length;
    expect(await summary.locator('[data-testid="summary-processes"] .big').textContent()).toBe(String(ran));
    const startupJ = d.trials.reduce((sum, t) => sum + (t.metrics.startup_energy_j ?? 0), 0);
    const energyJ = d.trials.reduce((sum, t) => sum + (t.metrics.energy_j ?? 0), 0);
    expect(startupJ).toBeGreaterThan(0);
    const shown = await summary.locator('[data-testid="summary-fixed-cost"] .big').textContent();
    expect(Number(/^([\d.]+)%$/.exec(shown ?? '')?.[1])).toBeCloseTo((100 * startupJ) / energyJ, 0);
    // A failure group's link shows exactly its trials in the table.
    await summary.locator('[data-failure-count] button').first().click();
    const first = groups[0]!;
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="trials-table"] tbody tr').length === n, first);
    const states = await page.locator('[data-testid="trials-table"] tbody tr .badge').allTextContents();
    expect(states.every((s) => s === 'failed')).toBe(true);
    await bothThemes(page, (name) => page.locator('[data-testid="morning-summary"]').screenshot({ path: path.join(SHOTS, `${name}.png`) }), 'summary');
  });

  it('the timeline has one bar per trial; hovering shows the trial, clicking opens it', async () => {
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.scrollIntoViewIfNeeded();
    const d = db();
    const bars = await timeline.locator('[data-trial]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-trial'))));
    expect(bars.sort((a, b) => a - b)).toEqual(d.trials.map((t) => t.number));
    for (const t of d.trials) expect(await timeline.locator(`[data-trial="${t.number}"]`).getAttribute('data-state')).toBe(t.state);
    const failed = d.trials.find((t) => t.state === 'failed')!;
    const bar = timeline.locator(`[data-trial="${failed.number}"]`);
    const box = (await bar.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.locator('[data-testid="timeline-tip"]');
    await tip.waitFor();
    expect(await tip.textContent()).toContain(`trial ${failed.number}`);
    expect(await tip.textContent()).toContain('failed');
    // The hover tip hangs below a short timeline, over the next panel: the shot takes it in whole.
    const shot = async (name: string) => {
      // The theme buttons scrolled the page: back to the timeline, and the pointer on the bar again.
      await page.locator('#timeline').scrollIntoViewIfNeeded();
      const b = (await bar.boundingBox())!;
      await page.mouse.move(b.x + b.width / 2 + 1, b.y + b.height / 2);
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      await tip.waitFor();
      const panel = (await page.locator('#timeline').boundingBox())!;
      const tipBox = (await tip.boundingBox())!;
      const bottom = Math.max(panel.y + panel.height, tipBox.y + tipBox.height + 8);
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), clip: { x: panel.x, y: panel.y, width: panel.width, height: bottom - panel.y } });
    };
    await bothThemes(page, shot, 'timeline');
    await bar.click();
    await page.waitForURL(new RegExp(`#/study/morning/trial/${failed.number}$`));
  });

  it("a trial shorter than the meter's sampling shows its energy as below resolution, with the flag", async () => {
    const d = db();
    const short = d.trials.find((t) => {
      const flags = (d.provenance.get(t.id)?.flags ?? []) as string[];
      return flags.includes('short_window') && t.metrics.energy_j !== undefined;
    });
    expect(short, 'a measured short trial').toBeDefined();
    await page.evaluate((n) => (location.hash = `#/study/morning/trial/${n}`), short!.number);
    const cell = page.locator('[data-testid="measured-metrics"] [data-metric="energy_j"]');
    await cell.waitFor();
    expect(await cell.textContent()).toMatch(/below resolution\s*short_window/);
    expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(short!.metrics.energy_j!, 6);
  });
});

describe.skipIf(!hasChromium)('an Optuna storage in nightshift serve', () => {
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  let browser: Browser | undefined;
  afterAll(() => closeServedPage({ serve, browser }));

  it('opens read-only: the library lists its studies, a study page draws its trials, the file is unchanged', async () => {
    ensureRendererBuilt();
    const { file, truth } = makeOptunaDb();
    const before = fingerprint(file);
    serve = await startServe(['--db', file], cliEnv(tempDir('nightshift-e2e-optuna-')));
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(serve.url);
    await page.locator('tr[data-study="single"]').waitFor();
    expect(await page.locator('[data-testid="db-kind"]').textContent()).toBe('Optuna file, read-only');
    await page.click('a[href="#/study/single"]');
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.waitFor();
    const started = Object.entries(truth.single.states).reduce((s, [k, n]) => (k === 'WAITING' ? s : s + n), 0);
    expect(await timeline.locator('[data-trial]').count()).toBe(started);
    expect(Number(await page.locator('[data-summary-count="complete"]').textContent())).toBe(truth.single.states.COMPLETE ?? 0);
    await page.locator('[data-pareto-point]').first().waitFor();
    // Starting a campaign on it is refused, with the reason on the page.
    await page.click('button:has-text("Resume")');
    expect(await page.locator('.error').first().textContent()).toMatch(/read-only/);
    await stopServe(serve);
    expect(fingerprint(file)).toEqual(before);
  });
});

// The compare, understand, share and new-study views as a user meets them, in Debian's Chromium through
// `nightshift serve`, against studies the real CLI ran into two database files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../src/main/engine/study/spec.js';
import type { TrialJson } from '../../src/shared/types.js';
import { trialJson } from '../../src/main/engine/report/json.js';
import { cliEnv, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { writeStudy } from '../api/helpers.js';
import { ensureRendererBuilt, hasChromium, launchChromium, startServe } from './browser.js';

function trialsOf(db: string, name: string): TrialJson[] {
  const store = openStoreReader(db);
  try {
    return store.trials(store.getStudy(name)!.id).map((t) => trialJson(t));
  } finally {
    store.close();
  }
}

describe.skipIf(!hasChromium)('analysis views end to end (Chromium, nightshift serve)', () => {
  const home = tempDir('nightshift-home-');
  const env = cliEnv(home);
  const a = writeStudy({ name: 'alpha', trials: 16, delayMs: 0, parallel: 2 });
  const b = writeStudy({ name: 'beta', trials: 12, delayMs: 0, parallel: 2 });
  let serve: Awaited<ReturnType<typeof startServe>>;
  let browser: Browser;
  let page: Page;
  let base: string;

  async function cli(args: string[]): Promise<string> {
    const r = await runCli(args, { env });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  }

  beforeAll(async () => {
    ensureRendererBuilt();
    await cli(['run', a.file, '--db', a.db]);
    await cli(['run', b.file, '--db', b.db]);
    serve = await startServe(['--db', a.db], env);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(serve.url);
    base = page.url().split('#')[0]!;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (serve && serve.child.exitCode === null) {
      const exited = new Promise((r) => serve.child.once('exit', r));
      serve.child.kill('SIGTERM');
      await exited;
    }
  });

  it('compare overlays two studies from two files, with the numbers of `nightshift compare`', async () => {
    await page.goto(`${base}#/compare`);
    // This database's study is listed; the other file is added by path, as a user would.
    await page.locator('input[data-ref="alpha"]').check();
    await page.fill('input[aria-label="Database file to add"]', b.db);
    await page.click('button:has-text("Add file")');
    await page.locator(`input[data-ref="beta@${b.db}"]`).check();
    await page.locator('[data-testid="compare-fronts"] g[data-study="beta"] circle').first().waitFor();
    const json = JSON.parse(await cli(['compare', 'alpha', `beta@${b.db}`, '--db', a.db, '--json'])) as {
      studies: { label: string; front: { number: number }[]; best: Record<string, { number: number; value: number }>; total_energy_j: number | null }[];
    };
    for (const s of json.studies) {
      const fronts = page.locator(`[data-testid="compare-fronts"] g[data-study="${s.label}"] circle`);
      const shown = await fronts.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-front-point'))));
      expect(shown.sort((x, y) => x - y)).toEqual(s.front.map((t) => t.number).sort((x, y) => x - y));
      for (const [metric, best] of Object.entries(s.best)) {
        const cell = page.locator(`[data-testid="compare-table"] tr[data-study="${s.label}"] td[data-best="${metric}"]`);
        expect(Number(await cell.getAttribute('data-value'))).toBe(best.value);
        expect(Number(await cell.getAttribute('data-trial'))).toBe(best.number);
      }
    }
    // The best configurations side by side mark the parameters that differ.
    const rows = page.locator('[data-testid="best-configs"] tr[data-param]');
    expect(await rows.count()).toBe(2);
    // Both studies' lines in one convergence chart.
    expect(await page.locator('[data-testid="convergence-acc"]').getAttribute('data-series')).toBe('2');
  });

  it('brushing an axis of the parallel coordinates filters the trials table to the database rows in range', async () => {
    await page.goto(`${base}#/study/alpha/understand`);
    const pc = page.locator('[data-testid="parallel-coordinates"]');
    await pc.waitFor();
    const all = trialsOf(a.db, 'alpha');
    expect(Number(await pc.getAttribute('data-lines'))).toBe(all.filter((t) => t.state === 'complete').length);
    expect(Number(await page.locator('[data-testid="brushed-count"]').getAttribute('data-total'))).toBe(all.length);
    // Drag down the middle of the x axis (0 at the bottom, 1 at the top).
    const axis = (await page.locator('[data-axis="param.x"]').boundingBox())!;
    await page.mouse.move(axis.x + axis.width / 2, axis.y + axis.height * 0.25);
    await page.mouse.down();
    await page.mouse.move(axis.x + axis.width / 2, axis.y + axis.height * 0.7, { steps: 4 });
    await page.mouse.up();
    const badge = page.locator('[data-range="param.x"]');
    await badge.waitFor();
    const lo = Number(await badge.getAttribute('data-min'));
    const hi = Number(await badge.getAttribute('data-max'));
    expect(lo).toBeGreaterThan(0.1);
    expect(hi).toBeLessThan(0.9);
    const inRange = all.filter((t) => typeof t.params.x === 'number' && t.params.x >= lo && t.params.x <= hi);
    await page.waitForFunction((n) => document.querySelector('[data-testid="brushed-count"]')?.getAttribute('data-total') === String(n), inRange.length);
    expect(inRange.length).toBeLessThan(all.length);
    const shown = await page.locator('[data-testid="brushed-table"] tbody tr').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-trial'))));
    expect(shown.sort((x, y) => x - y)).toEqual(inRange.map((t) => t.number).slice(0, 20).sort((x, y) => x - y));
    expect(Number(await pc.getAttribute('data-kept'))).toBe(inRange.filter((t) => t.state === 'complete').length);
    // A click on the axis clears the brush: every trial again.
    await page.mouse.click(axis.x + axis.width / 2, axis.y + axis.height * 0.5);
    await page.waitForFunction((n) => document.querySelector('[data-testid="brushed-count"]')?.getAttribute('data-total') === String(n), all.length);
    // Importance as `nightshift importance` prints it.
    const imp = JSON.parse(await cli(['importance', 'alpha', '--db', a.db, '--json'])) as { objectives: { objective: { metric: string }; importance: { param: string; importance: number }[] }[] };
    for (const o of imp.objectives) {
      for (const p of o.importance) {
        expect(await page.locator(`[data-objective="${o.objective.metric}"] [data-importance="${p.param}"]`).textContent()).toBe(`${(p.importance * 100).toFixed(1)}%`);
      }
    }
  });

  it('the downloaded HTML report opens with JavaScript off and is the CLI export', async () => {
    await page.goto(`${base}#/study/alpha`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-html"]')]);
    expect(download.suggestedFilename()).toBe('alpha.html');
    const file = path.join(home, 'downloaded.html');
    await download.saveAs(file);
    const html = readFileSync(file, 'utf8');
    const footer = (s: string) => s.replace(/ on [0-9T:.-]+Z\. Every number/, ' on <time>. Every number');
    expect(footer(html)).toBe(footer(await cli(['export', 'alpha', '--db', a.db, '--format', 'html'])));
    // Opened as a teammate would, scripts disabled: the numbers are in the page itself.
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    try {
      const report = await ctx.newPage();
      await report.goto(`file://${file}`);
      const text = (await report.locator('body').textContent())!;
      const show = JSON.parse(await cli(['show', 'alpha', '--db', a.db, '--json'])) as { best: TrialJson[]; counts: Record<string, number> };
      expect(await report.locator('h1').first().textContent()).toContain('alpha');
      for (const t of show.best) expect(text).toContain(`#${t.number}`);
      expect(await report.locator('svg').count()).toBeGreaterThan(0);
    } finally {
      await ctx.close();
    }
  });

  it('the new-study form covers the study file; its YAML preview passes study.validate and is what gets written', async () => {
    await page.goto(`${base}#/new/from/alpha`);
    const form = page.locator('[data-testid="new-study"]');
    await form.locator('input[name="name"]').waitFor();
    await page.waitForFunction(() => (document.querySelector('input[name="name"]') as HTMLInputElement | null)?.value === 'alpha-copy');
    // Parts of the file beyond the basic ones: a condition, a step, a constraint, a fidelity-free scheduler option, budgets.
    await form.locator('button:has-text("Add parameter")').click();
    const row = form.locator('[data-param-row="2"]');
    await row.locator('input[aria-label="parameter name"]').fill('opt');
    await row.locator('select[aria-label^="type of"]').selectOption('categorical');
    await row.locator('input[aria-label="choices of opt"]').fill('adam, sgd');
    await form.locator('[data-param-row="1"] input[aria-label="step of y"]').fill('0.1');
    await form.locator('[data-param-row="1"] select[aria-label="condition parent of y"]').selectOption('opt');
    await form.locator('[data-param-row="1"] input[aria-label="condition values of y"]').fill('sgd');
    await form.locator('button:has-text("Add constraint")').click();
    await form.locator('input[aria-label="constraint 1 metric"]').fill('loss');
    await form.locator('input[aria-label="constraint 1 max"]').fill('2');
    await form.locator('select[name="scheduler"]').selectOption('median');
    await form.locator('input[name="energy"]').fill('2kWh');
    await form.locator('input[name="deadline"]').fill('07:00');
    // A warm start whose replays the scheduler may stop early.
    await form.locator('input[name="warm_start"]').check();
    // Naming the study itself is flagged at its path before anything runs.
    await form.locator('input[aria-label="warm start study"]').fill('alpha-copy');
    await form.locator('[data-issue-path="warm_start.study"]:has-text("names this study itself")').waitFor();
    await form.locator('fieldset:has(legend:text("Baseline and warm start"))').screenshot({ path: path.join(ROOT, 'test-output', 'screenshots', 'new-study-warm-start-itself.png') });
    await form.locator('input[aria-label="warm start study"]').fill('alpha');
    await form.locator('[data-issue-path="warm_start.study"]').waitFor({ state: 'detached' });
    await form.locator('input[aria-label="warm start early stop"]').check();
    await form.locator('fieldset:has(legend:text("Baseline and warm start"))').screenshot({ path: path.join(ROOT, 'test-output', 'screenshots', 'new-study-warm-start.png') });
    // A mistake is shown at its path by the engine's validator, then fixed.
    await form.locator('input[name="wall_time"]').fill('8 parsecs');
    await form.locator('[data-issue-path="budget.wall_time"]').waitFor();
    await form.locator('input[name="wall_time"]').fill('8h');
    await form.locator('[data-issue-path="budget.wall_time"]').waitFor({ state: 'detached' });
    await form.locator('[data-testid="validity"]:has-text("valid")').waitFor();
    const yaml = (await page.locator('[data-testid="yaml-preview"]').textContent())!;
    const r = await fetch(`http://127.0.0.1:${serve.port}/api/study.validate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: yaml, format: 'yaml' }),
    });
    expect(await r.json()).toEqual({ ok: true, result: { ok: true, issues: [], name: 'alpha-copy' } });
    const spec = parseStudyText(yaml, { file: path.join(home, 'x.yaml'), format: 'yaml', strategies: STRATEGIES });
    expect(spec.search_space.y).toMatchObject({ step: 0.1, when: { opt: ['sgd'] } });
    expect(spec.constraints).toEqual([{ metric: 'loss', min: null, max: 2 }]);
    expect(spec.budget).toMatchObject({ wall_time_s: 8 * 3600, energy_j: 7.2e6, deadline: '07:00' });
    expect(spec.scheduler.type).toBe('median');
    expect(spec.warm_start).toMatchObject({ study: 'alpha', early_stop: true });
    const file = path.join(home, 'alpha-copy.yaml');
    await form.locator('input[name="file"]').fill(file);
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-testid="created"]').waitFor();
    expect(readFileSync(file, 'utf8')).toBe(yaml);
    expect(parseYaml(yaml)).toMatchObject({ name: 'alpha-copy' });
  });
});

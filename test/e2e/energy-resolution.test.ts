// Energy figures of trials too short for the meter's sampling, in Debian's Chromium through `nightshift serve`,
// after a real campaign (`nightshift run`) whose trials mostly end within a second (flag short_window; one
// measured 0 J) and whose slow-starting ones report after more than a second. Every page that prints a trial's
// energy (the Understand page's trials table, the trial page's objective and start-up energy, the downloaded
// HTML report) says "below resolution" for the short ones and prints the measured figure for the others.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import type { TrialRecord } from '../../src/main/engine/storage/types.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';
import { closeServedPage, ensureRendererBuilt, hasChromium, servedPage, type ServedPage } from './browser.js';

// x above 0.8 waits 1.3 s before its first report: its start-up window is longer than the meter's sampling.
const TRIAL = `
const arg = (k) => Number(process.argv[process.argv.indexOf('--' + k) + 1]);
const x = arg('x');
if (x > 0.8) await new Promise((r) => setTimeout(r, 1300));
for (let step = 1; step <= 3; step++) console.log('@nightshift ' + JSON.stringify({ step, acc: x * step / 3 }));
`;

/** The trial page's "Results" entry for the energy objective, found by its term. */
const OBJECTIVE_ENERGY = 'xpath=//dt[normalize-space()="energy_j (objective)"]/following-sibling::dd[1]';

describe.skipIf(!hasChromium)('energy below the meter\'s resolution (Chromium, nightshift serve, finished campaign)', () => {
  const dir = tempDir('nightshift-e2e-resolution-');
  const file = path.join(dir, 'short.yaml');
  const db = path.join(dir, 'nightshift.db');
  let serve: ServedPage['serve'];
  let browser: Browser;
  let page: Page;
  let short: TrialRecord;
  let slow: TrialRecord;
  const flagged = new Set<number>();

  beforeAll(async () => {
    ensureRendererBuilt();
    writeFileSync(path.join(dir, 'trial.mjs'), TRIAL);
    writeFileSync(
      file,
      `name: short
trainer: {command: [node, trial.mjs, --x, "{x}"], timeout: 1m}
search_space:
  x: {type: float, low: 0, high: 1}
objectives: [{metric: acc, direction: maximize}, {metric: energy_j, direction: minimize}]
sampler: {type: random}
baseline: {x: 0.9}
budget: {trials: 8}
resources: {parallel: 2}
seed: 3
`,
    );
    const run = await runCli(['run', file, '--db', db], { env: cliEnv(dir) });
    expect(run.code, run.stderr).toBe(0);
    const store = openStoreReader(db);
    try {
      const id = store.getStudy('short')!.id;
      const trials = store.trials(id);
      for (const [trialId, p] of store.provenanceOfStudy(id)) if (p.flags.includes('short_window')) flagged.add(trialId);
      // A quick trial whose energy the meter measured (0 J or a rough figure), and the slow-starting baseline.
      short = trials.find((t) => flagged.has(t.id) && t.values.energy_j !== undefined && t.metrics.startup_energy_j !== undefined)!;
      slow = trials.find((t) => !flagged.has(t.id) && (t.metrics.startup_s ?? 0) >= 1 && t.metrics.startup_energy_j !== undefined)!;
    } finally {
      store.close();
    }
    expect(short, 'a measured trial flagged short_window').toBeDefined();
    expect(slow, 'a trial whose start-up took over a second').toBeDefined();
    ({ serve, browser, page } = await servedPage(['--db', db], cliEnv(dir)));
  }, 120_000);

  afterAll(() => closeServedPage({ serve, browser }));

  it("the Understand page's trials table shows a short trial's energy as below resolution, a measured one as its figure", async () => {
    await page.goto(`${serve.url}#/study/short/understand`);
    const table = page.locator('[data-testid="brushed-table"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="brushed-table"] tbody tr').length === 8);
    // The energy_j column found by its header, as a reader finds it.
    const column = (await table.locator('thead th').allTextContents()).map((h) => h.trim()).indexOf('energy_j');
    expect(column).toBeGreaterThan(0);
    const cell = (n: number) => table.locator('tbody tr', { has: page.locator(`a[href$="/trial/${n}"]`) }).locator('td').nth(column);
    expect((await cell(short.number).textContent())!.trim()).toBe('below resolution');
    const measured = (await cell(slow.number).textContent())!.trim();
    expect(Number(measured)).toBeCloseTo(slow.values.energy_j!, 3);
  });

  it('the trial page shows a short trial\'s energy objective and start-up energy as below resolution with the flag', async () => {
    await page.evaluate((n) => (location.hash = `#/study/short/trial/${n}`), short.number);
    const objective = page.locator(OBJECTIVE_ENERGY);
    await objective.waitFor();
    expect(await objective.textContent()).toMatch(/^below resolution\s*short_window$/);
    expect(Number(await objective.getAttribute('data-value'))).toBeCloseTo(short.values.energy_j!, 6);
    const startup = page.locator('[data-testid="measured-metrics"] [data-metric="startup_energy_j"]');
    expect(await startup.textContent()).toMatch(/^below resolution\s*short_window$/);
  });

  it('a start-up energy measured over more than a second is a figure, beside the trial\'s own energy', async () => {
    await page.evaluate((n) => (location.hash = `#/study/short/trial/${n}`), slow.number);
    const startup = page.locator('[data-testid="measured-metrics"] [data-metric="startup_energy_j"]');
    await startup.waitFor();
    expect(Number(await startup.textContent())).toBeCloseTo(slow.metrics.startup_energy_j!, 4);
    expect(Number(await page.locator(OBJECTIVE_ENERGY).textContent())).toBeCloseTo(slow.values.energy_j!, 4);
  });

  it("the downloaded HTML report writes a short trial's energy as below resolution, not a bare figure", async () => {
    await page.goto(`${serve.url}#/study/short`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-html"]')]);
    const saved = path.join(dir, 'short.html');
    await download.saveAs(saved);
    const html = readFileSync(saved, 'utf8');
    // The "All trials" table: one row per trial, its number first, the objectives (acc, energy_j) after the state.
    const rows = [...html.slice(html.indexOf('<h2>All trials</h2>')).matchAll(/<tr><td>#(\d+)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)];
    const energyOf = new Map(rows.map((m) => [Number(m[1]), m[3]!]));
    expect(energyOf.size).toBe(8);
    expect(energyOf.get(short.number)).toBe('below resolution');
    expect(Number(energyOf.get(slow.number))).toBeCloseTo(slow.values.energy_j!, 3);
  });
});

// Energy figures of trials too short for the meter's sampling, in Debian's Chromium through `nightshift serve`,
// after a real campaign (`nightshift run`, two GPUs simulated by a fake nvidia-smi) whose trials mostly end
// within a second (flag short_window, each with a rough figure of some joules) and whose slow-starting ones
// report after more than a second. Every page that prints a trial's energy (the Understand page's trials
// table, the trial page's objective and start-up energy, the downloaded HTML report, the Pareto chart's tip,
// the library, compare) says "below resolution" for the short ones and prints the measured figure for the
// others; the energy axes and the best energy so far leave the short ones out and say how many.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import type { TrialRecord } from '../../src/main/engine/storage/types.js';
import { bestTrials } from '../../src/main/engine/study/pareto.js';
import type { CompareView } from '../../src/shared/analysis.js';
import type { TrialsPage } from '../../src/shared/api.js';
import type { Objective } from '../../src/shared/types.js';
import { loadScenario, makeFakeGpu } from '../fixtures/fake-gpu/fake-gpu.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';
import { closeServedPage, ensureRendererBuilt, hasChromium, servedPage, type ServedPage } from './browser.js';

// x above 0.8 computes for 1.3 s before its first report: its start-up window is longer than the meter's
// sampling, and its energy (CPU time) is well above a quick trial's, so the study's lowest energy is a quick one.
const TRIAL = `
const arg = (k) => Number(process.argv[process.argv.indexOf('--' + k) + 1]);
const x = arg('x');
if (x > 0.8) for (const end = Date.now() + 1300; Date.now() < end; );
for (let step = 1; step <= 3; step++) console.log('@nightshift ' + JSON.stringify({ step, acc: x * step / 3 }));
`;

/** The trial page's "Results" entry for the energy objective, found by its term. */
const OBJECTIVE_ENERGY = 'xpath=//dt[normalize-space()="energy_j (objective)"]/following-sibling::dd[1]';

describe.skipIf(!hasChromium)('energy below the meter\'s resolution (Chromium, nightshift serve, finished campaign)', () => {
  const dir = tempDir('nightshift-e2e-resolution-');
  let fake: ReturnType<typeof makeFakeGpu> | undefined;
  const file = path.join(dir, 'short.yaml');
  const db = path.join(dir, 'nightshift.db');
  let serve: ServedPage['serve'];
  let browser: Browser;
  let page: Page;
  let short: TrialRecord;
  let slow: TrialRecord;
  const flagged = new Set<number>();
  let trials: TrialRecord[];
  const objectives: Objective[] = [
    { metric: 'acc', direction: 'maximize' },
    { metric: 'energy_j', direction: 'minimize' },
  ];
  /** Complete trials with both objectives (the Pareto chart's points) that the meter flagged short_window. */
  /** The front of the trials the meter measured (what an energy axis draws). */
  const measuredFront = () => bestTrials(trials.filter((t) => !flagged.has(t.id)), objectives);
  const flaggedPoints = () => trials.filter((t) => t.state === 'complete' && t.values.acc !== undefined && t.values.energy_j !== undefined && flagged.has(t.id));

  beforeAll(async () => {
    ensureRendererBuilt();
    fake = makeFakeGpu(loadScenario('const-2gpu'));
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
resources: {gpus: all, trials_per_gpu: 1}
seed: 3
`,
    );
    // Two GPUs simulated by a fake nvidia-smi (200 W and 100 W): a quick trial's one or two samples give it a
    // rough figure of some joules, not 0 J, which is what a bare number would misstate as the cheapest trial.
    const run = await runCli(['run', file, '--db', db], { env: cliEnv(dir, { PATH: `${fake!.dir}:${process.env.PATH}` }) });
    expect(run.code, run.stderr).toBe(0);
    const store = openStoreReader(db);
    try {
      const id = store.getStudy('short')!.id;
      trials = store.trials(id);
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

  afterAll(async () => {
    await closeServedPage({ serve, browser });
    fake?.cleanup();
  });

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
    // The table writes four significant digits (hundreds of joules on the simulated GPUs).
    expect(Math.abs(Number(measured) - slow.values.energy_j!) / slow.values.energy_j!).toBeLessThan(1e-3);
  });

  it("the Understand page's parallel coordinates and energy slices leave short trials off the energy axis, say how many, and keep them on the others", async () => {
    await page.goto(`${serve.url}#/study/short/understand`);
    const complete = trials.filter((t) => t.state === 'complete' && t.values.energy_j !== undefined);
    const measured = complete.filter((t) => !flagged.has(t.id));
    const off = flaggedPoints().length;
    expect(off, 'short trials and measured ones').toBeGreaterThan(0);
    expect(measured.length).toBeGreaterThan(0);
    const note = page.locator('[data-testid="pc-below-resolution-energy_j"]');
    await note.waitFor();
    expect(Number(await note.getAttribute('data-count'))).toBe(off);
    expect(await note.textContent()).toContain("below the meter's resolution not plotted on the energy_j axis");
    // Accuracy is measured for every trial: nothing is left off its axis, and every trial keeps its line.
    expect(await page.locator('[data-testid="pc-below-resolution-acc"]').count()).toBe(0);
    const pc = page.locator('[data-testid="parallel-coordinates"]');
    expect(Number(await pc.getAttribute('data-lines'))).toBe(complete.length);
    // The slices of accuracy draw every trial; those of energy only the measured ones, with the note.
    expect(Number(await page.locator('[data-testid="slice-x"]').getAttribute('data-points'))).toBe(complete.length);
    expect(await page.locator('[data-testid="slices-below-resolution"]').count()).toBe(0);
    await page.selectOption('select[aria-label="objective for slices and sensitivity"]', { label: 'energy_j (minimize)' });
    const sliceNote = page.locator('[data-testid="slices-below-resolution"]');
    await sliceNote.waitFor();
    expect(Number(await sliceNote.getAttribute('data-count'))).toBe(off);
    expect(Number(await page.locator('[data-testid="slice-x"]').getAttribute('data-points'))).toBe(measured.length);
    // Brushing the whole energy axis keeps the measured trials, in the chart and in the table under it.
    const axis = (await page.locator('[data-axis="value.energy_j"]').boundingBox())!;
    await page.mouse.move(axis.x + axis.width / 2, axis.y + 1);
    await page.mouse.down();
    await page.mouse.move(axis.x + axis.width / 2, axis.y + axis.height - 1, { steps: 4 });
    await page.mouse.up();
    const badge = page.locator('[data-range="value.energy_j"]');
    await badge.waitFor();
    const [lo, hi] = [Number(await badge.getAttribute('data-min')), Number(await badge.getAttribute('data-max'))];
    const inRange = measured.filter((t) => t.values.energy_j! >= lo && t.values.energy_j! <= hi);
    expect(inRange.length).toBe(measured.length);
    await page.waitForFunction((n) => document.querySelector('[data-testid="brushed-count"]')?.getAttribute('data-total') === String(n), inRange.length);
    const shown = await page.locator('[data-testid="brushed-table"] tbody tr').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-trial'))));
    expect(shown.sort((x, y) => x - y)).toEqual(inRange.map((t) => t.number).sort((x, y) => x - y));
    expect(Number(await pc.getAttribute('data-kept'))).toBe(inRange.length);
    // A range that holds every rough figure too (0 J and up) still leaves the short trials out: the engine's
    // filter behind the table places no trial below resolution on an energy axis.
    const r = await fetch(`http://127.0.0.1:${serve.port}/api/study.trials`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ study: 'short', filter: { ranges: [{ key: 'value.energy_j', min: 0 }] } }),
    });
    const rows = ((await r.json()) as { result: TrialsPage }).result.trials.map((t) => t.number);
    expect(rows.sort((x, y) => x - y)).toEqual(measured.map((t) => t.number).sort((x, y) => x - y));
  });

  it('the trial page shows a short trial\'s energy objective and start-up energy as below resolution with the flag', async () => {
    await page.evaluate((n) => (location.hash = `#/study/short/trial/${n}`), short.number);
    const objective = page.locator(OBJECTIVE_ENERGY);
    await objective.waitFor();
    expect(await objective.textContent()).toMatch(/^below resolution\s*short_window$/);
    expect(Number(await objective.getAttribute('data-value'))).toBeCloseTo(short.values.energy_j!, 6);
    const startup = page.locator('[data-testid="measured-metrics"] [data-metric="startup_energy_j"]');
    expect(await startup.textContent()).toMatch(/^below resolution\s*short_window$/);
    // No share of the energy is computed from figures below resolution.
    expect(await page.locator('[data-testid="startup-share"]').count()).toBe(0);
  });

  it('a start-up energy measured over more than a second is a figure, beside the trial\'s own energy', async () => {
    await page.evaluate((n) => (location.hash = `#/study/short/trial/${n}`), slow.number);
    const startup = page.locator('[data-testid="measured-metrics"] [data-metric="startup_energy_j"]');
    await startup.waitFor();
    // Figures are shown to 6 significant digits (a start-up under load can take hundreds of joules).
    const shown = (v: number): number => +v.toPrecision(6);
    expect(Number(await startup.textContent())).toBe(shown(slow.metrics.startup_energy_j!));
    expect(Number(await page.locator(OBJECTIVE_ENERGY).textContent())).toBe(shown(slow.values.energy_j!));
    // The fixed cost's share of the trial's own energy.
    const share = (100 * slow.metrics.startup_energy_j!) / slow.values.energy_j!;
    const text = await page.locator('[data-testid="startup-share"]').textContent();
    expect(Number(/Fixed cost: ([\d.]+)%/.exec(text ?? '')?.[1])).toBeCloseTo(share, 0);
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
    // Its front chart leaves the short trials off the energy axis, says how many, and draws the measured front.
    const start = html.indexOf('aria-label="Pareto front: acc against energy_j"');
    const chart = html.slice(start, html.indexOf('</svg>', start));
    const drawn = [...chart.matchAll(/<circle class="(?:trial|front)"[^>]*><title>#(\d+)/g)].map((m) => Number(m[1]));
    for (const t of flaggedPoints()) expect(drawn).not.toContain(t.number);
    const front = [...chart.matchAll(/<circle class="front"[^>]*><title>#(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(front).toEqual(measuredFront().map((t) => t.number).sort((a, b) => a - b));
    expect(html).toContain(`${flaggedPoints().length} trial${flaggedPoints().length === 1 ? '' : 's'} below the meter's resolution not plotted (energy unknown`);
  });

  it("the study page's hypervolume is the measured trials' and says how many it leaves out", async () => {
    await page.goto(`${serve.url}#/study/short`);
    const note = page.locator('[data-testid="hypervolume-below-resolution"]');
    await note.waitFor();
    expect(Number(await note.getAttribute('data-count'))).toBe(flaggedPoints().length);
    expect(await note.textContent()).toContain("below the meter's resolution not plotted");
    // Best so far is of accuracy, a measured figure for every trial: nothing is left out of it.
    expect(await page.locator('[data-testid="best-so-far-below-resolution"]').count()).toBe(0);
  });

  it("the Pareto chart leaves a short trial off its energy axis, says how many, and its tip says below resolution", async () => {
    await page.goto(`${serve.url}#/study/short`);
    const front = bestTrials(trials, objectives);
    // A front trial the meter flagged whose rough figure is not 0 J (the one a bare number would misstate).
    const roughFront = front.find((t) => flagged.has(t.id) && t.values.energy_j! > 0);
    expect(roughFront, 'a short_window trial on the front with a non-zero rough energy').toBeDefined();
    const note = page.locator('[data-testid="pareto-below-resolution"]');
    await note.waitFor();
    expect(Number(await note.getAttribute('data-count'))).toBe(flaggedPoints().length);
    expect(await note.textContent()).toContain("below the meter's resolution not plotted");
    // Energy across (the default): no short trial is drawn, and the front drawn is the measured trials' own.
    const drawnFront = await page.locator('a[data-pareto-point]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-pareto-point'))));
    expect(drawnFront.sort((a, b) => a - b)).toEqual(measuredFront().map((t) => t.number).sort((a, b) => a - b));
    for (const t of front) if (flagged.has(t.id)) expect(drawnFront).not.toContain(t.number);
    // Trial number across: every trial is drawn, and the short one's tip writes its energy as below resolution.
    await page.locator('div.controls:has([data-testid="pareto-count"]) label:has-text("x") select').selectOption('#trial');
    await note.waitFor({ state: 'detached' });
    const point = page.locator(`a[data-pareto-point="${roughFront!.number}"]`);
    await point.focus();
    const tip = page.locator('.tip[role="status"]');
    await tip.waitFor();
    expect(await tip.textContent()).toContain('energy_j = below resolution');
    expect(await point.getAttribute('aria-label')).not.toContain(String(roughFront!.values.energy_j));
  });

  it("the library's best energy is below resolution when the study's lowest energy is a short trial's", async () => {
    const complete = trials.filter((t) => t.state === 'complete' && t.values.energy_j !== undefined);
    const lowest = complete.reduce((a, b) => (b.values.energy_j! < a.values.energy_j! ? b : a));
    expect(flagged.has(lowest.id), 'the lowest energy is a short_window trial (quick trials spend less CPU time)').toBe(true);
    await page.goto(`${serve.url}#/`);
    const best = page.locator('tr[data-study="short"] [data-best="energy_j"]');
    await best.waitFor();
    expect((await best.textContent())!.trim()).toBe('energy_j ↓ below resolution');
    // The measured objective is its figure.
    const acc = Math.max(...complete.map((t) => t.values.acc!));
    expect(Number((await page.locator('tr[data-study="short"] [data-best="acc"]').textContent())!.replace('acc ↑', '').trim())).toBeCloseTo(acc, 3);
  });

  it('compare leaves short trials out of the best energy so far and off the fronts, saying how many, and its table says below resolution', async () => {
    await page.goto(`${serve.url}#/compare/short`);
    const cell = page.locator('[data-testid="compare-table"] tr[data-study="short"] td[data-best="energy_j"]');
    await cell.waitFor();
    expect((await cell.textContent())!.trim()).toMatch(/^below resolution\s+#\d+$/);
    const convergenceNote = page.locator('[data-testid="convergence-below-resolution-energy_j"]');
    expect(Number(await convergenceNote.getAttribute('data-count'))).toBe(flaggedPoints().length);
    expect(Number(await page.locator('[data-testid="fronts-below-resolution"]').getAttribute('data-count'))).toBe(flaggedPoints().length);
    const drawn = await page.locator('[data-testid="compare-fronts"] g[data-study="short"] circle').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-front-point'))));
    expect(drawn.sort((a, b) => a - b)).toEqual(measuredFront().map((t) => t.number).sort((a, b) => a - b));
    // The best-so-far line the view draws never goes below the lowest measured energy.
    const r = await fetch(`http://127.0.0.1:${serve.port}/api/studies.compare`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ studies: [{ study: 'short' }] }),
    });
    const view = ((await r.json()) as { result: CompareView }).result;
    const measured = trials.filter((t) => t.state === 'complete' && t.values.energy_j !== undefined && !flagged.has(t.id)).map((t) => t.values.energy_j!);
    const line = view.convergence[0]!.energy_j!.by_trial;
    expect(line.length).toBeGreaterThan(0);
    expect(Math.min(...line.map((p) => p.y))).toBe(Math.min(...measured));
  });

  it("the morning summary's best energy against the baseline says below resolution, with no difference computed from it", async () => {
    await page.goto(`${serve.url}#/study/short`);
    const line = page.locator('[data-testid="summary-best"] li', { hasText: 'energy_j' });
    await line.waitFor();
    const text = (await line.textContent())!.replace(/\s+/g, ' ');
    // The study's lowest energy is a short trial's (see the library test); the baseline (x = 0.9) is measured.
    expect(text).toMatch(/trial \d+ below resolution against baseline trial \d+ [\d.]+: change unknown \(below the meter's resolution\), energy per run below the meter's resolution/);
  });
});

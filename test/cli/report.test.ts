// The morning-after workflow on a real campaign: the CLI runs a study (two simulated GPUs, so energy is
// measured with provenance), then exports the HTML report, a PDF and a one-study database, and compares
// the study with its copy. The report must be well-formed, script-free, show the database's numbers and
// render in Chromium with JavaScript disabled (screenshot in test-output/report.png).
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import type { StudyListEntry, StudyShowJson } from '../../src/shared/types.js';
import { loadScenario, makeFakeGpu } from '../fixtures/fake-gpu/fake-gpu.js';
import { cliEnv, ROOT, runCli, tempDir } from '../helpers/cli.js';

const fake = makeFakeGpu(loadScenario('const-2gpu'));
const dir = tempDir();
const env = cliEnv(dir, { PATH: `${fake.dir}:${process.env.PATH}` });
const db = path.join(dir, 'nightshift.db');
let browser: Browser;

/** How report tables print a number (6 significant digits), written out here on purpose. */
const shown = (x: number) => String(+x.toPrecision(6));

beforeAll(async () => {
  writeFileSync(
    path.join(dir, 'train.mjs'),
    `const p = JSON.parse(process.env.NIGHTSHIFT_PARAMS);
for (let step = 1; step <= 3; step++) {
  await new Promise((r) => setTimeout(r, 150));
  const acc = (1 - (p.lr - 0.03) ** 2 * 100) * (p.opt === 'adam' ? 1 : 0.9) * (step / 3);
  console.log('@nightshift ' + JSON.stringify({ step, acc, loss: 1 - acc }));
}
`,
  );
  writeFileSync(
    path.join(dir, 'study.yaml'),
    `name: morning
trainer:
  command: [node, train.mjs]
search_space:
  lr: {type: float, low: 0.001, high: 0.1, log: true}
  opt: {type: categorical, choices: [adam, sgd]}
objectives:
  - {metric: acc, direction: maximize}
  - {metric: energy_j, direction: minimize}
baseline: {lr: 0.001, opt: sgd}
budget: {trials: 6}
resources: {gpus: all, trials_per_gpu: 1}
seed: 3
`,
  );
  const r = await runCli(['run', path.join(dir, 'study.yaml'), '--db', db, '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  fake.cleanup();
});

async function showJson(dbFile: string): Promise<StudyShowJson> {
  const r = await runCli(['show', 'morning', '--db', dbFile, '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StudyShowJson;
}

describe('the HTML report of a finished study', () => {
  it('is one script-free, self-contained file with the database numbers, and renders with JavaScript off', async () => {
    const out = path.join(dir, 'report.html');
    const r = await runCli(['export', 'morning', '--format', 'html', '--out', out, '--db', db], { env });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script/i);
    // Nothing is fetched: no src/href attributes, no url(...) in the CSS.
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);

    // The numbers match the database.
    const store = openStoreReader(db);
    const study = store.getStudy('morning')!;
    const trials = store.trials(study.id);
    const baseline = trials.find((t) => t.lineage.kind === 'baseline')!;
    store.close();
    expect(baseline.state).toBe('complete');
    const show = await showJson(db);
    expect(show.best.length).toBeGreaterThan(0);
    for (const t of show.best) {
      expect(html).toContain(`#${t.number}`);
      expect(html).toContain(shown(t.values.acc!));
      expect(t.values.energy_j).toBeGreaterThan(0);
    }
    const bestAcc = Math.max(...trials.filter((t) => t.state === 'complete').map((t) => t.values.acc!));
    expect(html).toContain(`>${shown(bestAcc)} <span class="note">#`);
    expect(html).toContain(`${shown(baseline.values.acc!)} <span class="note">#${baseline.number}</span>`);
    const totalJ = trials.reduce((s, t) => s + (t.values.energy_j ?? t.metrics.energy_j ?? 0), 0);
    expect(html).toContain(`<dt>Energy</dt><dd>${totalJ >= 1000 ? `${shown(totalJ / 1000)} kJ` : `${shown(totalJ)} J`}</dd>`);
    expect(html).toContain('nvidia-smi every');

    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    // Strict parse: served as XHTML, any markup error makes Chromium show a <parsererror>.
    await page.route('http://report.test/**', (route) =>
      route.fulfill({ status: 200, contentType: route.request().url().endsWith('.xhtml') ? 'application/xhtml+xml' : 'text/html', body: html }),
    );
    await page.goto('http://report.test/report.xhtml');
    expect(await page.locator('parsererror').count()).toBe(0);
    expect(await page.locator('h1').textContent()).toBe('morning');

    await page.goto('http://report.test/report.html');
    for (const h of ['Budget used', 'Baseline against best', 'Pareto front', 'Convergence', 'Learning curves', 'Parameter importance', 'Energy provenance', 'Environment', 'All trials']) {
      await expect(page.locator('h2', { hasText: h }).first().isVisible()).resolves.toBe(true);
    }
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(5);
    const box = await page.locator('svg.chart').first().boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.screenshot({ path: path.join(ROOT, 'test-output/report.png'), fullPage: true });
    await page.close();
  });

  it('prints to PDF through Chromium', async () => {
    const out = path.join(dir, 'report.pdf');
    const r = await runCli(['export', 'morning', '--format', 'pdf', '--out', out, '--db', db], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(statSync(out).size).toBeGreaterThan(10_000);
  });

  it('explains what is missing when no Chromium is found', async () => {
    const r = await runCli(['export', 'morning', '--format', 'pdf', '--out', path.join(dir, 'x.pdf'), '--db', db], {
      env: { ...env, NIGHTSHIFT_CHROMIUM: path.join(dir, 'no-chromium-here') },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot make a PDF: NIGHTSHIFT_CHROMIUM=.*does not exist.*apt install chromium/);
  });
});

describe('a one-study database and comparisons', () => {
  it('exports the study alone into a new database that shows the same results', async () => {
    const one = path.join(dir, 'one.db');
    const r = await runCli(['export', 'morning', '--format', 'db', '--out', one, '--db', db], { env });
    expect(r.code, r.stderr).toBe(0);
    const again = await runCli(['export', 'morning', '--format', 'db', '--out', one, '--db', db], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);

    const ls = await runCli(['ls', '--db', one, '--json'], { env });
    expect((JSON.parse(ls.stdout) as StudyListEntry[]).map((s) => s.name)).toEqual(['morning']);
    const [a, b] = [await showJson(db), await showJson(one)];
    expect(b).toEqual(a);
    const src = openStoreReader(db);
    const dst = openStoreReader(one);
    const [ts, td] = [src.trials(src.getStudy('morning')!.id), dst.trials(dst.getStudy('morning')!.id)];
    const row = (t: (typeof ts)[number]) => [t.number, t.lineage.kind, t.lineage.parentNumber, t.lineage.detail, t.startedAt, t.endedAt];
    expect(td.map(row)).toEqual(ts.map(row));
    expect(td.map((t) => dst.reports(t.id))).toEqual(ts.map((t) => src.reports(t.id)));
    src.close();
    dst.close();
  });

  it('compares a study with its copy from another file, as JSON and as a script-free HTML report', async () => {
    const one = path.join(dir, 'one.db');
    const r = await runCli(['compare', 'morning', `morning@${one}`, '--db', db, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const cmp = JSON.parse(r.stdout) as { objectives: unknown[]; studies: { label: string; best: Record<string, { value: number }>; total_energy_j: number }[] };
    expect(cmp.studies.map((s) => s.label)).toEqual(['morning@nightshift.db', 'morning@one.db']);
    expect(cmp.objectives).toHaveLength(2);
    const show = await showJson(db);
    const bestAcc = Math.max(...show.best.map((t) => t.values.acc!));
    for (const s of cmp.studies) {
      expect(s.best.acc!.value).toBe(bestAcc);
      expect(s.total_energy_j).toBeGreaterThan(0);
    }
    const out = path.join(dir, 'compare.html');
    const h = await runCli(['compare', 'morning', `morning@${one}`, '--db', db, '--format', 'html', '--out', out], { env });
    expect(h.code, h.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Pareto fronts');
    expect(html).toContain('by energy spent');
    const missing = await runCli(['compare', 'nope', '--db', db], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no study named "nope" .*studies there: morning/);
  });
});

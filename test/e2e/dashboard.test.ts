// The dashboard as a user meets it, in Debian's Chromium, against `nightshift serve` while a real campaign
// runs: library → study → Pareto front (as many points as the database's Pareto set) → a point's trial page
// (its parameters and log) → "Stop campaign" stops it in the database. Screenshots go to test-output/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import { bestTrials } from '../../src/main/engine/study/pareto.js';
import type { StudyState } from '../../src/shared/types.js';
import { cliEnv, ROOT } from '../helpers/cli.js';
import { waitFor } from '../helpers/procs.js';
import { writeStudy } from '../api/helpers.js';
import { loadScenario, makeFakeGpu } from '../fixtures/fake-gpu/fake-gpu.js';
import { ensureRendererBuilt, hasChromium, launchChromium, startServe } from './browser.js';

const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

/** What the database says right now (read-only, as a second process would see it). */
function dbView(db: string): { state: StudyState; pareto: number[]; running: number; params: Map<number, Record<string, unknown>> } {
  const store = openStoreReader(db);
  try {
    const s = store.getStudy('e2e')!;
    const trials = store.trials(s.id);
    return {
      state: s.state,
      pareto: bestTrials(trials, s.objectives).map((t) => t.number),
      running: store.counts(s.id).running,
      params: new Map(trials.map((t) => [t.number, t.params])),
    };
  } finally {
    store.close();
  }
}

describe.skipIf(!hasChromium)('dashboard end to end (Chromium, nightshift serve, live campaign)', () => {
  const fx = writeStudy({ name: 'e2e', trials: 300, delayMs: 120, parallel: 2 });
  // Two simulated GPUs (a fake nvidia-smi on the server's PATH, 200 W and 100 W), one trial on each.
  const fake = makeFakeGpu(loadScenario('const-2gpu'));
  writeFileSync(fx.file, readFileSync(fx.file, 'utf8').replace('resources: {parallel: 2}', 'resources: {gpus: all, trials_per_gpu: 1}'));
  let serve: Awaited<ReturnType<typeof startServe>>;
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureRendererBuilt();
    // 100 ms samples, so a one-second trial's power trace has several points.
    writeFileSync(path.join(fx.dir, 'settings.json'), JSON.stringify({ idle_seconds: 0, sample_interval_ms: 100 }));
    serve = await startServe(['--db', fx.db], cliEnv(fx.dir, { PATH: `${fake.dir}:${process.env.PATH}` }));
    const r = await fetch(`http://127.0.0.1:${serve.port}/api/campaign.start`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ file: fx.file }),
    });
    expect(await r.json()).toEqual({ ok: true, result: { study: 'e2e', state: 'running' } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });
    page.on('pageerror', (e) => {
      throw e;
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (serve && serve.child.exitCode === null) {
      const exited = new Promise((r) => serve.child.once('exit', r));
      serve.child.kill('SIGTERM');
      await exited;
    }
    fake.cleanup();
  });

  it('library lists the running study', async () => {
    await page.goto(serve.url);
    const row = page.locator('tr[data-study="e2e"]');
    await row.waitFor();
    expect(await row.locator('.badge').textContent()).toMatch(/running/);
    // The token left the address bar (a cookie carries it now).
    expect(page.url()).not.toContain('token=');
    await waitFor(() => dbView(fx.db).pareto.length >= 3, 20_000, 'a few complete trials');
    await page.reload();
    await row.waitFor();
    await shot('library');
  });

  it('the study dashboard shows as many Pareto points as the database has Pareto trials', async () => {
    await page.click('a[href="#/study/e2e"]');
    await page.locator('[data-pareto-point]').first().waitFor();
    // Trials keep finishing: poll until the page and the database agree (the page follows pushed events).
    let ui = -1;
    let db: number[] = [];
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      db = dbView(fx.db).pareto;
      ui = await page.locator('[data-pareto-point]').count();
      if (ui === db.length) break;
      await page.waitForTimeout(100);
    }
    expect(ui).toBe(db.length);
    expect(db.length).toBeGreaterThanOrEqual(2);
    const numbers = await page.locator('[data-pareto-point]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-pareto-point'))));
    expect(numbers.every((n) => dbView(fx.db).params.has(n))).toBe(true);
    expect(await page.locator('[data-testid="trials-table"] tbody tr').count()).toBeGreaterThan(0);
    // Every started trial that reported has a learning curve; two objectives: a hypervolume chart.
    expect(Number(await page.locator('[data-testid="learning-curves"]').getAttribute('data-series'))).toBeGreaterThanOrEqual(db.length);
    await page.locator('[data-testid="hypervolume"]').waitFor();
    await shot('study');
    await page.click('button[aria-label^="Switch to dark"]');
    await page.waitForTimeout(200);
    await shot('study-dark');
    await page.click('button[aria-label^="Switch to light"]');
  });

  it('clicking a Pareto point opens its trial page with its parameters and log', async () => {
    const point = page.locator('[data-pareto-point]').first();
    const n = Number(await point.getAttribute('data-pareto-point'));
    await point.click();
    await page.waitForURL(new RegExp(`#/study/e2e/trial/${n}$`));
    await page.locator('[data-testid="trial-params"]').waitFor();
    const params = dbView(fx.db).params.get(n)!;
    for (const [k, v] of Object.entries(params)) {
      expect(await page.locator(`[data-param="${k}"]`).textContent()).toBe(String(v));
    }
    const log = await page.locator('[data-testid="log-stdout"]').textContent();
    expect(log).toContain(`epoch 3 of trial`);
    expect(log).toContain(`x=${params.x}`);
    expect(await page.locator('[data-testid="trial-command"]').textContent()).toContain('trial.mjs --x');
    // Energy provenance as the database holds it, and the power trace of the trial's GPU.
    const store = openStoreReader(fx.db);
    const t = store.trialByNumber(store.getStudy('e2e')!.id, n)!;
    const prov = store.provenance(t.id) as { gpu: { source: string; method: string; energy_by_gpu_j: Record<string, number> }; flags: string[] };
    store.close();
    const section = page.locator('[data-testid="provenance"]');
    expect(await section.locator('[data-provenance="GPU source"]').textContent()).toContain('nvidia-smi');
    expect(await section.locator('[data-provenance="GPU attribution"]').textContent()).toBe(prov.gpu.method);
    expect(await section.locator('[data-provenance="GPU energy by device"]').textContent()).toContain(`GPU ${Object.keys(prov.gpu.energy_by_gpu_j)[0]}:`);
    expect(await section.locator('[data-testid="provenance-flags"]').textContent()).toBe(prov.flags.length ? prov.flags.join(', ') : 'none');
    const energyCell = section.locator('[data-metric="energy_j"]');
    expect(Number(await energyCell.getAttribute('data-value'))).toBeCloseTo(t.metrics.energy_j!, 3);
    // A trial shorter than the meter's sampling shows its energy as below resolution, never as a bare figure.
    if (prov.flags.includes('short_window')) expect(await energyCell.textContent()).toMatch(/below resolution/);
    else expect(Number(await energyCell.textContent())).toBeCloseTo(t.metrics.energy_j!, 3);
    // The campaign still runs, so the trace comes from the live meter: one series, the trial's own GPU.
    expect(await page.locator('[data-testid="power-trace"]').getAttribute('data-series')).toBe('1');
    await shot('trial');
  });

  it('"Stop campaign" stops it in the database', async () => {
    await page.goBack();
    await page.locator('[data-testid="study-state"]').waitFor();
    expect(dbView(fx.db).state).toBe('running');
    await page.click('button:has-text("Stop campaign")');
    await waitFor(() => dbView(fx.db).state === 'finished', 15_000, 'the study to be finished in the database');
    const after = dbView(fx.db);
    expect(after.running).toBe(0);
    await page.locator('[data-testid="study-state"]:has-text("finished")').waitFor();
    expect(await page.locator('button:has-text("Resume")').count()).toBe(1);
    await shot('study-stopped');
    // The server is still up and serving after the stop.
    expect(serve.child.exitCode).toBeNull();
  });

  it('the new-study form shows an inline error by path, then writes the fixed study file', async () => {
    await page.click('a[href="#/new"]');
    const form = page.locator('[data-testid="new-study"]');
    await form.waitFor();
    await form.locator('input[name="name"]').fill('e2e-new');
    await form.locator('input[name="command"]').fill('node trial.mjs --x {x}');
    await form.locator('input[aria-label="parameter name"]').first().fill('x');
    await form.locator('input[aria-label="low of x"]').fill('0');
    await form.locator('input[aria-label="high of x"]').fill('1');
    // log is on in the first row: low 0 is refused next to the field.
    const issue = form.locator('[data-issue-path="search_space.x.low"]');
    await issue.waitFor();
    expect(await issue.textContent()).toMatch(/must be > 0/);
    await shot('new-study-error');
    expect(await form.locator('button[type="submit"]').isDisabled()).toBe(true);
    await form.locator('input[aria-label="low of x"]').fill('0.01');
    await issue.waitFor({ state: 'detached' });
    await form.locator('[data-testid="validity"]:has-text("valid")').waitFor();
    const file = path.join(fx.dir, 'e2e-new.yaml');
    await form.locator('input[name="file"]').fill(file);
    await shot('new-study');
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-testid="created"]').waitFor();
    expect(existsSync(file)).toBe(true);
    const written = parseYaml(readFileSync(file, 'utf8')) as { name: string; trainer: { command: string[] }; search_space: Record<string, unknown> };
    expect(written.name).toBe('e2e-new');
    expect(written.trainer.command).toEqual(['node', 'trial.mjs', '--x', '{x}']);
    expect(written.search_space).toEqual({ x: { type: 'float', low: 0.01, high: 1, log: true } });
    // A second create refuses to overwrite, and says so.
    await form.locator('button[type="submit"]').click();
    expect(await form.locator('.error').textContent()).toMatch(/already exists/);
  });
});

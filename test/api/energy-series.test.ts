// The done-when test of one energy ledger: a demo-like study (accuracy against energy_j as an objective,
// ASHA promotions that continue from a checkpoint) run by the real engine on two simulated GPUs (a fake
// nvidia-smi on PATH) into a real SQLite file. The dashboard's best-so-far against energy has one point
// per complete trial, counts a promoted trial's ancestors once, and equals the HTML report's series.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { buildStudyReport, htmlReport } from '../../src/main/engine/report/index.js';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import { loadScenario, makeFakeGpu } from '../fixtures/fake-gpu/fake-gpu.js';
import { tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/procs.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

// Resumes from the last epoch saved in the checkpoint folder up to NIGHTSHIFT_BUDGET, like the demo's trainer.
const TRIAL = `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const file = path.join(process.env.NIGHTSHIFT_CHECKPOINT_DIR, 'last_epoch');
const budget = Number(process.env.NIGHTSHIFT_BUDGET);
const x = JSON.parse(process.env.NIGHTSHIFT_PARAMS).x;
const start = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
for (let epoch = start + 1; epoch <= budget; epoch++) {
  await new Promise((r) => setTimeout(r, 250));
  console.log('@nightshift ' + JSON.stringify({ step: epoch, acc: 1 - (x - 0.3) ** 2 - 1 / (epoch + 1) }));
  writeFileSync(file, String(epoch));
}
`;

const fake = makeFakeGpu(loadScenario('const-2gpu'));
const savedEnv = { PATH: process.env.PATH, NIGHTSHIFT_HOME: process.env.NIGHTSHIFT_HOME };
process.env.PATH = `${fake.dir}:${process.env.PATH}`;
process.env.NIGHTSHIFT_HOME = tempDir('nightshift-home-');
writeFileSync(path.join(process.env.NIGHTSHIFT_HOME, 'settings.json'), JSON.stringify({ idle_seconds: 0, sample_interval_ms: 100 }));

describe('best-so-far against energy (real engine, simulated GPUs, energy_j objective, promotions)', () => {
  const dir = tempDir('nightshift-energy-');
  const db = path.join(dir, 'nightshift.db');
  writeFileSync(path.join(dir, 'trial.mjs'), TRIAL);
  const file = path.join(dir, 'demo-like.yaml');
  writeFileSync(
    file,
    `name: demo-like
trainer:
  command: [node, trial.mjs]
  timeout: 1m
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: acc, direction: maximize}
  - {metric: energy_j, direction: minimize}
fidelity: {param: epochs, min: 1, max: 3, eta: 3}
sampler: {type: sobol}
scheduler: {type: asha, mode: promote}
budget: {trials: 9}
resources: {gpus: all, trials_per_gpu: 1}
seed: 3
`,
  );
  const router = new ApiRouter({ db });
  const events: ApiEvent[] = [];
  router.subscribe((e) => events.push(e));
  afterAll(async () => {
    await router.close();
    fake.cleanup();
    process.env.PATH = savedEnv.PATH;
    if (savedEnv.NIGHTSHIFT_HOME === undefined) delete process.env.NIGHTSHIFT_HOME;
    else process.env.NIGHTSHIFT_HOME = savedEnv.NIGHTSHIFT_HOME;
  });

  it('has one point per complete trial, each joule once, and equals the report on the same database', async () => {
    await call(router, 'campaign.start', { file });
    await waitFor(() => events.some((e) => e.event === 'study' && e.payload.state === 'finished'), 60_000, 'the campaign to finish');
    await waitFor(() => router.activeCampaigns().length === 0, 5000, 'the campaign to let go');
    const summary = await call(router, 'study.summary', { study: 'demo-like' });

    const store = openStoreReader(db);
    try {
      const study = store.getStudy('demo-like')!;
      const trials = store.trials(study.id);
      const complete = trials.filter((t) => t.state === 'complete');
      // The study this test is about: energy is an objective value, and some results were promoted.
      expect(complete.length).toBeGreaterThanOrEqual(5);
      expect(complete.every((t) => t.values.energy_j! > 0 && t.metrics.energy_j === undefined)).toBe(true);
      const promoted = complete.filter((t) => t.lineage.kind === 'promote');
      expect(promoted.length).toBeGreaterThanOrEqual(1);
      const byNumber = new Map(trials.map((t) => [t.number, t]));
      for (const t of promoted) expect(t.values.energy_j!).toBeGreaterThan(byNumber.get(t.lineage.parentNumber!)!.values.energy_j!);

      const byEnergy = summary.best_so_far.by_energy;
      expect(byEnergy).toHaveLength(complete.length);
      expect(summary.best_so_far.by_trial.map((p) => p.x)).toEqual(complete.map((t) => t.number));
      for (let i = 1; i < byEnergy.length; i++) expect(byEnergy[i]!.x).toBeGreaterThan(byEnergy[i - 1]!.x);

      // Each trial's own energy, by hand: a promoted trial's energy_j includes its parent's.
      let spent = 0;
      for (const t of trials) {
        const e = t.values.energy_j ?? t.metrics.energy_j ?? 0;
        spent += t.lineage.kind === 'promote' ? e - (byNumber.get(t.lineage.parentNumber!)!.values.energy_j ?? 0) : e;
      }
      expect(byEnergy.at(-1)!.x).toBeCloseTo(spent, 6);
      expect(summary.budget.energy_j.used).toBeCloseTo(spent, 6);

      const report = buildStudyReport(store, study);
      expect(report.convergence[0]!.byEnergy).toEqual(byEnergy);
      expect(report.convergence[0]!.byTrial).toEqual(summary.best_so_far.by_trial);
      expect(report.budget.energyJ).toBeCloseTo(spent, 6);
      // The hypervolume has the same x for each trial it counts; a trial whose energy is below the meter's
      // resolution (these trials run under a second) adds no volume and is counted instead.
      const hv = summary.hypervolume!;
      expect(hv.by_energy.length + hv.below_resolution).toBe(complete.length);
      const xs = new Set(byEnergy.map((p) => p.x));
      for (const p of hv.by_energy) expect(xs.has(p.x)).toBe(true);
      // The report's trials table has energy_j once: as the objective's column.
      const html = htmlReport(store, study);
      const header = /<h2>All trials<\/h2>.*?<tr>(.*?)<\/tr>/s.exec(html)![1]!;
      expect(header.match(/energy/g)).toEqual(['energy']);
    } finally {
      store.close();
    }
  });
});

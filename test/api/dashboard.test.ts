// The dashboard's series and the new-study form, against a real engine, real trial processes and SQLite,
// on a machine whose two GPUs are a fake nvidia-smi on PATH (200 W and 100 W, constant).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { hypervolume } from '../../src/main/engine/study/hypervolume.js';
import { loadScenario, makeFakeGpu } from '../fixtures/fake-gpu/fake-gpu.js';
import { tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/procs.js';
import { writeStudy } from './helpers.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

const fake = makeFakeGpu(loadScenario('const-2gpu'));
const WATTS: Record<number, number> = { 0: 200, 1: 100 };
// The campaign's meter finds nvidia-smi on PATH and reads settings from NIGHTSHIFT_HOME (this process's env).
const savedEnv = { PATH: process.env.PATH, NIGHTSHIFT_HOME: process.env.NIGHTSHIFT_HOME };
process.env.PATH = `${fake.dir}:${process.env.PATH}`;
process.env.NIGHTSHIFT_HOME = tempDir('nightshift-home-');
writeFileSync(path.join(process.env.NIGHTSHIFT_HOME, 'settings.json'), JSON.stringify({ idle_seconds: 0, sample_interval_ms: 100 }));

describe('dashboard data and study.create (real engine, simulated GPUs)', () => {
  const fx = writeStudy({ name: 'metered', trials: 6, delayMs: 150, parallel: 2 });
  // Trials on the GPUs instead of CPU slots, so each one is measured on one device.
  writeFileSync(fx.file, readFileSync(fx.file, 'utf8').replace('resources: {parallel: 2}', 'resources: {gpus: all, trials_per_gpu: 1}'));
  const router = new ApiRouter({ db: fx.db });
  const events: ApiEvent[] = [];
  router.subscribe((e) => events.push(e));
  afterAll(async () => {
    await router.close();
    fake.cleanup();
    process.env.PATH = savedEnv.PATH;
    if (savedEnv.NIGHTSHIFT_HOME === undefined) delete process.env.NIGHTSHIFT_HOME;
    else process.env.NIGHTSHIFT_HOME = savedEnv.NIGHTSHIFT_HOME;
  });

  it('pushes a measurement and a budget event after each finished trial', async () => {
    await call(router, 'campaign.start', { file: fx.file });
    // While it runs, the GPU section comes from the live meter.
    await waitFor(() => events.some((e) => e.event === 'budget'), 20_000, 'a first finished trial');
    const live = await call(router, 'study.summary', { study: 'metered' });
    expect(live.gpu.live).toBe(true);
    expect(live.gpu.gpus.map((g) => g.gpu)).toEqual([0, 1]);
    await waitFor(() => events.some((e) => e.event === 'study' && e.payload.state === 'finished'), 30_000, 'the campaign to finish');

    const budgets = events.flatMap((e) => (e.event === 'budget' ? [e.payload] : []));
    expect(budgets).toHaveLength(6);
    const last = budgets.at(-1)!.budget;
    expect(last.trials).toEqual({ used: 6, limit: 6 });
    const measurements = events.flatMap((e) => (e.event === 'measurement' ? [e.payload] : []));
    expect(measurements).toHaveLength(6);
    const energy = measurements.reduce((s, m) => s + m.metrics.energy_j!, 0);
    expect(energy).toBeGreaterThan(0);
    expect(last.energy_j.used).toBeCloseTo(energy, 6);
    expect(last.co2_g.used).toBeGreaterThan(0);
  });

  it('trial.detail gives the provenance and the power trace of the trial’s GPU within its window', async () => {
    const d = await call(router, 'trial.detail', { study: 'metered', number: 2 });
    const prov = d.trial.provenance!;
    expect(prov.gpu?.source).toBe('nvidia-smi');
    const gpus = Object.keys(prov.gpu!.energy_by_gpu_j).map(Number);
    expect(gpus).toHaveLength(1);
    expect(d.trial.metrics.energy_j).toBeGreaterThan(0);
    expect(d.power.map((g) => g.gpu)).toEqual(gpus);
    const pts = d.power[0]!.points;
    expect(pts.length).toBeGreaterThan(2);
    for (const p of pts) {
      expect(p.t_ms).toBeGreaterThanOrEqual(prov.window!.start_ms);
      expect(p.t_ms).toBeLessThanOrEqual(prov.window!.end_ms);
      expect(p.power_w).toBeCloseTo(WATTS[gpus[0]!]!, 0);
    }
  });

  it('study.summary has every trial’s curve, hypervolume against trials and energy, and the stored GPU series', async () => {
    const s = await call(router, 'study.summary', { study: 'metered' });
    expect(s.gpu.live).toBe(false);
    expect(s.gpu.gpus.map((g) => g.gpu)).toEqual([0, 1]);
    expect(s.gpu.gpus[1]!.points.every((p) => p.power_w === 100 && p.memory_mb === 2000)).toBe(true);

    expect(s.curves!.metric).toBe('acc');
    expect(s.curves!.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.curves!.total_points).toBe(18);
    for (const t of s.curves!.trials) expect(t.points.map((p) => p.x)).toEqual([1, 2, 3]);
    expect(s.curves!.rungs).toEqual([]);

    const hv = s.hypervolume!;
    expect(hv.by_trial.map((p) => p.x)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 1; i < hv.by_trial.length; i++) expect(hv.by_trial[i]!.y).toBeGreaterThanOrEqual(hv.by_trial[i - 1]!.y);
    // The last value is the volume of the whole front against the reported reference (acc maximized: negated).
    const front = s.points.filter((p) => p.front === 0).map((p) => [-p.values.acc!, p.values.loss!]);
    expect(hv.by_trial.at(-1)!.y).toBeCloseTo(hypervolume(front, [-hv.reference.acc!, hv.reference.loss!]), 9);
    expect(hv.by_trial.at(-1)!.y).toBeGreaterThan(0);
    expect(hv.by_energy).toHaveLength(6);
    for (let i = 1; i < 6; i++) expect(hv.by_energy[i]!.x).toBeGreaterThan(hv.by_energy[i - 1]!.x);
  });

  it('study.create writes a valid study file, never overwrites, reports problems by path, and can start it', async () => {
    const study = {
      name: 'fromform',
      trainer: { command: ['node', 'trial.mjs', '--x', '{x}', '--y', '{y}', '--delay', '5'] },
      search_space: { x: { type: 'float', low: 0, high: 1 }, y: { type: 'categorical', choices: [0.25, 0.5] } },
      objectives: [{ metric: 'acc', direction: 'maximize' }],
      budget: { trials: 2 },
    };
    const bad = await router.handle('study.create', { file: 'bad.yaml', study: { ...study, search_space: { x: { type: 'float', low: 0, high: 1, log: true } } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('invalid_study');
      expect(bad.error.issues?.map((i) => i.path)).toContain('search_space.x.low');
    }
    expect(existsSync(path.join(fx.dir, 'bad.yaml'))).toBe(false);

    const made = await call(router, 'study.create', { file: 'fromform.yaml', study });
    expect(made).toEqual({ file: path.join(fx.dir, 'fromform.yaml'), name: 'fromform', started: false });
    expect(parseYaml(readFileSync(made.file, 'utf8'))).toEqual(study);
    expect((await call(router, 'study.validate', { text: readFileSync(made.file, 'utf8') })).ok).toBe(true);

    const again = await router.handle('study.create', { file: made.file, study: { ...study, name: 'other' } });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error).toMatchObject({ code: 'conflict', issues: [{ path: 'file', message: 'already exists' }] });
    expect(parseYaml(readFileSync(made.file, 'utf8'))).toEqual(study);

    const started = await call(router, 'study.create', { file: path.join(fx.dir, 'run.json'), study: { ...study, name: 'fromform-run' }, start: true });
    expect(started.started).toBe(true);
    expect(JSON.parse(readFileSync(started.file, 'utf8'))).toEqual({ ...study, name: 'fromform-run' });
    await waitFor(() => events.some((e) => e.event === 'study' && e.payload.study === 'fromform-run' && e.payload.state === 'finished'), 20_000, 'the created study to run');
    expect((await call(router, 'study.summary', { study: 'fromform-run' })).counts.complete).toBe(2);
    expect((await router.handle('study.create', { file: 'x.txt', study })).ok).toBe(false);
  });
});

// The numbers a report shows, computed from a store filled through the Store API with known values;
// the warm start projection; the shared chart geometry.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bestSoFar, cumulative, downsample, linearScale, logScale, niceTicks, paretoStaircase } from '../../../src/shared/charts/index.js';
import { warmStartTrials } from '../../../src/main/engine/campaign/warm-start.js';
import { buildStudyReport, htmlReport } from '../../../src/main/engine/report/index.js';
import { studyShowJson } from '../../../src/main/engine/report/json.js';
import { formatStudyCost } from '../../../src/main/engine/report/study-cost.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import type { Store } from '../../../src/main/engine/storage/types.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { specHash } from '../../../src/main/engine/study/spec-hash.js';
import { tempDir } from '../../helpers/cli.js';
import { testSpec } from '../../helpers/spec.js';

const spec = testSpec({
  name: 'known',
  search_space: {
    lr: { type: 'float', low: 1e-4, high: 1e-1, log: true, step: null, when: null },
    opt: { type: 'categorical', choices: ['adam', 'sgd'], when: null },
  },
  budget: { trials: 10, wall_time_s: 3600, energy_j: 1e6, deadline: null },
  baseline: { lr: 0.001, opt: 'sgd' },
});

/** Trials with known values: [lineage kind, state, params, acc, energy_j, duration_s]. */
const ROWS = [
  ['baseline', 'complete', { lr: 0.001, opt: 'sgd' }, 0.8, 100, 10],
  ['sampler', 'complete', { lr: 0.01, opt: 'adam' }, 0.9, 200, 20],
  ['sampler', 'failed', { lr: 0.1, opt: 'adam' }, null, 50, 5],
  ['sampler', 'complete', { lr: 0.02, opt: 'adam' }, 0.95, 300, 30],
  ['sampler', 'complete', { lr: 0.0001, opt: 'sgd' }, 0.5, 400, 40],
] as const;

function fill(): { store: Store; studyId: number } {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const store = openStore(path.join(tempDir(), 'r.db'), { clock: () => new Date((t += 1000)) });
  const { study } = store.createStudy(spec, specHash(spec));
  for (const [kind, state, params, acc, energy, duration] of ROWS) {
    store.enqueueTrial(study.id, { params: { ...params }, budget: null, lineage: { kind } });
    const running = store.claimQueued(study.id, 'test')!;
    for (let step = 1; step <= 3; step++) store.addReport(running.id, step, { acc: (acc ?? 0.1) * (step / 3) });
    store.finishTrial(running.id, {
      state,
      values: acc === null ? {} : { acc },
      metrics: { energy_j: energy, duration_s: duration, co2_g: energy / 10 },
      reason: state === 'failed' ? 'exit code 1' : null,
      provenance: {
        gpu: { source: 'nvidia-smi', reason: '', interval_ms: 500, method: 'integral', baseline_w: { 0: 20 }, memory_source: 'device', energy_by_gpu_j: { 0: energy }, estimate: false },
        cpu: { source: 'none', reason: 'no RAPL', method: '', baseline_w: null, estimate: false },
        grid_intensity_g_per_kwh: null,
        price_per_kwh: null,
        flags: state === 'failed' ? ['short_window'] : [],
        notes: [],
        window: null,
      },
    });
  }
  return { store, studyId: study.id };
}

describe('the report model', () => {
  it('sums the budget, compares baseline and best, and tracks convergence by trial and by energy', () => {
    const { store } = fill();
    const study = store.getStudy('known')!;
    const r = buildStudyReport(store, study);
    expect(r.budget).toMatchObject({ trials: 5, trialsLimit: 10, energyJ: 1050, energyLimitJ: 1e6, trialSeconds: 105, co2G: 105, cost: null, wallLimitSeconds: 3600 });
    // First start to last end: five trials, each claimed then finished, a clock tick per write.
    expect(r.budget.wallSeconds).toBeGreaterThan(0);
    expect(r.comparisons).toHaveLength(1);
    const c = r.comparisons[0]!;
    expect(c.baseline).toEqual({ number: 0, value: 0.8, energyJ: 100 });
    expect(c.best).toEqual({ number: 3, value: 0.95, energyJ: 300, runs: null });
    expect(c.change).toBeCloseTo(0.15, 12);
    expect(c.improvementPct).toBeCloseTo(18.75, 10);
    // Energy spent up to the best trial, failed trial included: 100 + 200 + 50 + 300.
    expect(c.energyToBestJ).toBe(650);
    expect(r.convergence[0]!.byTrial).toEqual([
      { x: 0, y: 0.8 },
      { x: 1, y: 0.9 },
      { x: 3, y: 0.95 },
      { x: 4, y: 0.95 },
    ]);
    expect(r.convergence[0]!.byEnergy).toEqual([
      { x: 100, y: 0.8 },
      { x: 300, y: 0.9 },
      { x: 650, y: 0.95 },
      { x: 1050, y: 0.95 },
    ]);
    expect(r.curves!.curves.map((k) => k.number)).toEqual([0, 1, 3, 4]);
    expect(r.curves!.curves.find((k) => k.best)!.number).toBe(3);
    expect(r.provenance).toHaveLength(2);
    expect(r.provenance[0]).toMatchObject({ trials: [0, 1, 3, 4], estimate: false, flags: [] });
    expect(r.provenance[1]).toMatchObject({ trials: [2], flags: ['short_window'] });
    expect(r.provenance[0]!.gpu).toBe('nvidia-smi every 500 ms, integral, idle baseline GPU 0 20 W');

    const html = htmlReport(store, study, { generatedAt: '2026-01-02T00:00:00Z' });
    expect(html).toContain('<dt>Energy</dt><dd>1.05 kJ of 0.277778 kWh</dd>');
    expect(html).toContain('+18.75%');
    expect(html).toContain('650 J');
    store.close();
  });
});

describe('what the study cost in processes', () => {
  it('sums process-seconds and the fixed cost, and gives its share of the energy in show --json and the HTML report', () => {
    const store = openStore(path.join(tempDir(), 'c.db'));
    const { study } = store.createStudy({ ...spec, name: 'cost' }, specHash({ ...spec, name: 'cost' }));
    // [state, duration_s, energy_j, startup_s, startup_energy_j]: a pruned trial pays its start-up too; a
    // trial that never reported has no start-up figure (absent, not 0).
    const rows = [
      ['complete', 30, 300, 3, 30],
      ['pruned', 5, 50, 4, 40],
      ['failed', 1, 10, null, null],
    ] as const;
    for (const [state, duration, energy, startupS, startupJ] of rows) {
      store.enqueueTrial(study.id, { params: { lr: 0.01, opt: 'adam' }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
      const t = store.claimQueued(study.id, 'test')!;
      const metrics: Record<string, number> = { duration_s: duration, energy_j: energy };
      if (startupS !== null) Object.assign(metrics, { startup_s: startupS, startup_energy_j: startupJ });
      store.finishTrial(t.id, { state, values: state === 'complete' ? { acc: 0.9 } : {}, metrics, reason: null, provenance: null });
    }
    store.enqueueTrial(study.id, { params: { lr: 0.02, opt: 'adam' }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
    const cost = studyShowJson(store, store.getStudy('cost')!).cost;
    expect(cost).toEqual({ processes: 3, process_seconds: 36, energy_j: 360, startup_s: 7, startup_energy_j: 70, startup_energy_share: 70 / 360, paused_s: null });
    expect(formatStudyCost(cost)).toBe('3 processes, 36.0 process-seconds, 360 J; fixed cost before first reports: 7.00 s, 70.0 J (19.4% of the energy)');
    const html = htmlReport(store, store.getStudy('cost')!, { generatedAt: '2026-01-02T00:00:00Z' });
    expect(html).toContain('<dt>Trial processes</dt><dd>3, 36 process-seconds (wall time × processes)</dd>');
    expect(html).toMatch(/<dt>Fixed cost \(launch to first report\)<\/dt><dd>7 s, 70 J \(19\.4\d*% of the study&#39;s energy\)<\/dd>/);
    store.close();
  });

  it('says how much of the process-seconds trials spent frozen at rungs (mode pause)', () => {
    const store = openStore(path.join(tempDir(), 'p.db'));
    const { study } = store.createStudy({ ...spec, name: 'paused' }, specHash({ ...spec, name: 'paused' }));
    // [duration_s, paused_s]: a trial that never waited has no paused_s.
    for (const [duration, paused] of [[30, 12], [10, null], [20, 3.5]] as const) {
      store.enqueueTrial(study.id, { params: { lr: 0.01, opt: 'adam' }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
      const t = store.claimQueued(study.id, 'test')!;
      const metrics: Record<string, number> = { duration_s: duration, energy_j: 10 };
      if (paused !== null) metrics.paused_s = paused;
      store.finishTrial(t.id, { state: 'complete', values: { acc: 0.9 }, metrics, reason: null, provenance: null });
    }
    const cost = studyShowJson(store, store.getStudy('paused')!).cost;
    expect(cost).toMatchObject({ processes: 3, process_seconds: 60, paused_s: 15.5 });
    expect(formatStudyCost(cost)).toBe('3 processes, 60.0 process-seconds (15.5 of them paused at rungs), 30.0 J');
    const html = htmlReport(store, store.getStudy('paused')!, { generatedAt: '2026-01-02T00:00:00Z' });
    expect(html).toContain('60 process-seconds (wall time × processes), of which 15.5 s frozen at rungs (mode pause: memory held, no compute)');
    store.close();
  });
});

describe('warm start', () => {
  it('enqueues the best earlier configurations that fit the new space, best first', () => {
    const { store } = fill();
    // The new space: lr narrowed to [0.005, 0.05], opt unchanged, a new batch parameter... which an old
    // configuration cannot fill, so it is given as a conditional one here (inactive unless opt=sgd).
    const space = new SearchSpace({
      lr: { type: 'float', low: 0.005, high: 0.05, log: true, step: null, when: null },
      opt: { type: 'categorical', choices: ['adam', 'sgd'], when: null },
      momentum: { type: 'float', low: 0.5, high: 0.9, log: false, step: null, when: { opt: ['sgd'] } },
    });
    expect(warmStartTrials(store, 'known', space, 5)).toEqual([
      { lr: 0.02, opt: 'adam' },
      { lr: 0.01, opt: 'adam' },
    ]);
    expect(warmStartTrials(store, 'known', space, 1)).toEqual([{ lr: 0.02, opt: 'adam' }]);
    const onlyAdam = new SearchSpace({ opt: { type: 'categorical', choices: ['sgd'], when: null } });
    expect(warmStartTrials(store, 'known', onlyAdam, 3)).toEqual([{ opt: 'sgd' }]);
    expect(() => warmStartTrials(store, 'other', space, 3)).toThrow(/no study named "other" \(studies there: known\)/);
    store.close();
  });
});

describe('chart geometry', () => {
  it('makes round ticks and maps domains onto pixel ranges', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.83, 0.97, 4)).toEqual([0.85, 0.9, 0.95]);
    expect(niceTicks(-3, 117, 5)).toEqual([0, 50, 100]);
    const x = linearScale([0, 10], [100, 200]);
    expect(x(5)).toBe(150);
    const l = logScale([1e-4, 1e-1], [0, 300]);
    expect(l(1e-3)).toBeCloseTo(100, 9);
    expect(l.ticks()).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
  });

  it('gives best-so-far steps, cumulative sums, Pareto staircases and shape-keeping downsampling', () => {
    const pts = [1, 3, 2, 5, 4].map((y, x) => ({ x, y }));
    expect(bestSoFar(pts, 'maximize')).toEqual([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 3, y: 5 }, { x: 4, y: 5 }]);
    expect(bestSoFar(pts, 'minimize')).toEqual([{ x: 0, y: 1 }, { x: 4, y: 1 }]);
    expect(cumulative([1, undefined, 2, NaN, 3])).toEqual([1, 1, 3, 3, 6]);
    // min-min: from each point right, then down to the next.
    expect(paretoStaircase([{ x: 2, y: 1 }, { x: 1, y: 3 }], ['minimize', 'minimize'])).toEqual([{ x: 1, y: 3 }, { x: 2, y: 3 }, { x: 2, y: 1 }]);
    // max-min (accuracy against energy): down first, then right.
    expect(paretoStaircase([{ x: 0.9, y: 10 }, { x: 0.95, y: 30 }], ['maximize', 'minimize'])).toEqual([{ x: 0.9, y: 10 }, { x: 0.9, y: 30 }, { x: 0.95, y: 30 }]);
    const long = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i === 500 ? 100 : Math.sin(i / 50) }));
    const d = downsample(long, 50);
    expect(d).toHaveLength(50);
    expect(d[0]).toEqual(long[0]);
    expect(d.at(-1)).toEqual(long[999]);
    expect(d).toContainEqual({ x: 500, y: 100 });
  });
});

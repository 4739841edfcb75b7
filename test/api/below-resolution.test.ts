// A trial too short for the meter's sampling (flag short_window) keeps the meter's rough energy figure in the
// database; the API's answers carry the flag so no view prints that figure or plots it as the cheapest trial.
// On a real SQLite file: the study summary's points, best so far and hypervolume, the library's best, compare's
// fronts and lines, and the HTML report's convergence and front chart.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import type { TrialProvenance } from '../../src/shared/provenance.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { openStore, openStoreReader } from '../../src/main/engine/storage/open.js';
import { htmlReport } from '../../src/main/engine/report/index.js';
import { hypervolume } from '../../src/main/engine/study/hypervolume.js';
import type { Objective } from '../../src/shared/types.js';
import { makeSpec, tempDir } from '../engine/storage/helpers.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

const provenance = (flags: TrialProvenance['flags']): TrialProvenance => ({ gpu: null, cpu: null, grid_intensity_g_per_kwh: null, price_per_kwh: null, flags, notes: [], window: null });

describe('energy below the meter\'s resolution in the API\'s answers', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  const ACC: Objective = { metric: 'acc', direction: 'maximize' };
  const ENERGY: Objective = { metric: 'energy_j', direction: 'minimize' };

  // Trial 0 (the baseline: 0.9, 300 J) and 1 (0.7, 200 J) measured; 2 (0.8, 20 J) short_window, which dominates 1; 3 (0.6, 250 J) measured.
  function studyWithShortTrial(): ApiRouter {
    return studyFile([ACC, ENERGY]).router;
  }

  function studyFile(objectives: Objective[]): { router: ApiRouter; db: string } {
    const tmp = tempDir('nightshift-resolution-');
    const db = path.join(tmp.dir, 'nightshift.db');
    const store = openStore(db);
    const { study } = store.createStudy(makeSpec('short', objectives), 'hash');
    for (const [acc, energy, short] of [[0.9, 300, false], [0.7, 200, false], [0.8, 20, true], [0.6, 250, false]] as const) {
      store.enqueueTrial(study.id, { params: { lr: acc }, budget: null, lineage: { kind: acc === 0.9 ? 'baseline' : 'enqueued' } });
      const t = store.claimQueued(study.id, 'engine-a')!;
      store.finishTrial(t.id, { state: 'complete', values: { acc, energy_j: energy }, metrics: {}, reason: null, provenance: provenance(short ? ['short_window'] : []) });
    }
    store.close();
    const router = new ApiRouter({ db });
    cleanups.push(tmp.cleanup, () => void router.close());
    return { router, db };
  }

  /** The study's HTML report, from the same file. */
  function reportOf(db: string): string {
    const store = openStoreReader(db);
    try {
      return htmlReport(store, store.getStudy('short')!);
    } finally {
      store.close();
    }
  }

  it('study.summary flags the short trial\'s point and marks the front of the measured trials', async () => {
    const router = studyWithShortTrial();
    const s = await call(router, 'study.summary', { study: 'short' });
    const point = (n: number) => s.points.find((p) => p.number === n)!;
    expect(point(2).short_window).toBe(true);
    for (const n of [0, 1, 3]) expect(point(n).short_window).toBeUndefined();
    // The whole front counts the short trial (it dominates trial 1); an energy axis draws the measured trials' front.
    expect(s.points.filter((p) => p.front === 0).map((p) => p.number).sort()).toEqual([0, 2]);
    expect(s.points.filter((p) => p.front_measured).map((p) => p.number).sort()).toEqual([0, 1]);
  });

  it('the morning summary says the best energy is below resolution, with no change or energy per run against the baseline', async () => {
    const router = studyWithShortTrial();
    const m = await call(router, 'study.morning', { study: 'short' });
    const energy = m.best.find((b) => b.objective.metric === 'energy_j')!;
    expect(energy.best).toMatchObject({ number: 2, value: 20, below_resolution: true });
    expect(energy.baseline).toMatchObject({ number: 0, value: 300, below_resolution: false });
    // 20 J − 300 J would read as a saving the meter never measured.
    expect(energy.extra_energy_j).toBeNull();
    const acc = m.best.find((b) => b.objective.metric === 'acc')!;
    expect(acc.best).toMatchObject({ number: 0, below_resolution: false });
    expect(acc.extra_energy_j).toBe(0);
  });

  it("studies.list says the study's best energy is below resolution, and its best accuracy is a figure", async () => {
    const router = studyWithShortTrial();
    const [item] = await call(router, 'studies.list', {});
    expect(item!.best).toEqual({ acc: 0.9, energy_j: 20 });
    expect(item!.best_below_resolution).toEqual(['energy_j']);
  });

  it('studies.compare flags the best and the front trial, draws the measured front and leaves the short trial out of the best energy so far', async () => {
    const router = studyWithShortTrial();
    const view = await call(router, 'studies.compare', { studies: [{ study: 'short' }] });
    const [study] = view.studies;
    expect(study!.best.energy_j).toMatchObject({ number: 2, value: 20, below_resolution: true });
    expect(study!.best.acc).toEqual({ number: 0, value: 0.9, params: { lr: 0.9 } });
    expect(study!.front.find((t) => t.number === 2)?.short_window).toBe(true);
    expect(view.measured_fronts[0]!.map((t) => t.number).sort()).toEqual([0, 1]);
    const energy = view.convergence[0]!.energy_j!;
    expect(energy.below_resolution).toBe(1);
    expect(Math.min(...energy.by_trial.map((p) => p.y))).toBe(200);
    expect(view.convergence[0]!.acc!.below_resolution).toBe(0);
  });

  it("study.summary's best energy so far leaves the short trial out and counts it, and the HTML report's convergence agrees", async () => {
    const { router, db } = studyFile([ENERGY, ACC]);
    const s = await call(router, 'study.summary', { study: 'short' });
    // 20 J is a rough figure: the best measured energy is trial 1's 200 J, reached at trial 1 and held.
    expect(s.best_so_far.by_trial.map((p) => p.y)).toEqual([300, 200, 200]);
    expect(s.best_so_far.below_resolution).toBe(1);
    expect(Math.min(...s.best_so_far.by_energy.map((p) => p.y))).toBe(200);
    // The energy axis still counts what the short trial spent: 300 + 200 + 20 + 250 J by the last trial.
    expect(s.best_so_far.by_energy.at(-1)).toEqual({ x: 770, y: 200 });
    const html = reportOf(db);
    const convergence = html.slice(html.indexOf('<h2>Convergence</h2>'));
    expect(convergence).toContain("1 trial below the meter's resolution not plotted: a rough or 0 J figure is no best.");
    // The per-trial chart's points are the three measured trials' values only.
    const byTrial = convergence.slice(0, convergence.indexOf('</svg>'));
    expect(byTrial.match(/<circle class="trial"/g)).toHaveLength(3);
  });

  it("study.summary's best accuracy so far keeps every trial: the short trial's accuracy is a measured figure", async () => {
    const router = studyWithShortTrial();
    const s = await call(router, 'study.summary', { study: 'short' });
    expect(s.best_so_far.below_resolution).toBe(0);
    expect(s.best_so_far.by_trial.at(-1)!.y).toBe(0.9);
  });

  it('the hypervolume is that of the measured trials, with its reference from them, and counts the short trial', async () => {
    const router = studyWithShortTrial();
    const s = await call(router, 'study.summary', { study: 'short' });
    const hv = s.hypervolume!;
    // Measured: acc 0.6–0.9, energy 200–300 J; the reference is the worst of them plus 10% of each range.
    expect(hv.reference.acc).toBeCloseTo(0.57, 9);
    expect(hv.reference.energy_j).toBeCloseTo(310, 9);
    // Front of the measured trials: 0 (0.9, 300 J) and 1 (0.7, 200 J), acc turned into minimization.
    const volume = hypervolume([[-0.9, 300], [-0.7, 200]], [-hv.reference.acc!, hv.reference.energy_j!]);
    expect(hv.by_trial.at(-1)!.y).toBeCloseTo(volume, 9);
    expect(hv.by_energy.at(-1)!.y).toBeCloseTo(volume, 9);
    expect(hv.below_resolution).toBe(1);
  });
  it("the HTML report's front chart leaves the short trial off, says so, and draws the measured trials' front", async () => {
    const { db } = studyFile([ACC, ENERGY]);
    const html = reportOf(db);
    const start = html.indexOf('aria-label="Pareto front: acc against energy_j"');
    expect(start).toBeGreaterThan(0);
    const chart = html.slice(start, html.indexOf('</svg>', start));
    const titles = [...chart.matchAll(/<title>#(\d+)/g)].map((m) => Number(m[1]));
    expect(new Set(titles)).toEqual(new Set([0, 1, 3]));
    // The front drawn (circles of class front): trials 0 and 1, not 0 and 2.
    const front = [...chart.matchAll(/<circle class="front"[^>]*><title>#(\d+)/g)].map((m) => Number(m[1])).sort();
    expect(front).toEqual([0, 1]);
    expect(html).toContain("1 trial below the meter's resolution not plotted (energy unknown; listed in the table below); the line is the front of the 3 measured.");
    // The table under it still holds the whole Pareto set, the short trial's energy written as below resolution.
    expect(html.slice(html.indexOf('</svg>', start))).toMatch(/below resolution/);
  });
});

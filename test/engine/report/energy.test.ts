// The numbers of issue 10 on one real SQLite file, written through the Store as the campaign writes them:
// a study with energy_j as an objective whose three trials spent 100, 200 and 300 J gives the same
// best-so-far against cumulative energy (100, 300, 600) in the dashboard's summary and in the report; a
// promoted trial's energy_j, which includes its parent's, is counted once.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { studySummary } from '../../../src/main/api/queries.js';
import { buildStudyReport, htmlReport } from '../../../src/main/engine/report/index.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import type { NewLineage } from '../../../src/main/engine/storage/types.js';
import { specHash } from '../../../src/main/engine/study/spec-hash.js';
import { tempDir } from '../../helpers/cli.js';
import { testSpec } from '../../helpers/spec.js';

const spec = testSpec({
  name: 'demo-energy',
  objectives: [
    { metric: 'acc', direction: 'maximize' },
    { metric: 'energy_j', direction: 'minimize' },
  ],
  budget: { trials: 10, wall_time_s: null, energy_j: 5000, deadline: null },
});

type Row = { lineage: NewLineage; acc: number; energy: number; own?: number };

function studyOf(rows: readonly Row[]) {
  const store = openStore(path.join(tempDir(), 'e.db'));
  const { study } = store.createStudy(spec, specHash(spec));
  for (const r of rows) {
    const q = store.enqueueTrial(study.id, { params: { lr: 0.01 }, budget: null, lineage: r.lineage });
    store.claimQueued(study.id, 'test');
    // As final-metrics.ts writes a promoted trial: energy_j with its ancestors', energy_increment_j its own.
    store.finishTrial(q.id, { state: 'complete', values: { acc: r.acc, energy_j: r.energy }, metrics: r.own === undefined ? {} : { energy_increment_j: r.own }, reason: null });
  }
  return { store, study };
}

const series = (store: ReturnType<typeof studyOf>['store'], study: ReturnType<typeof studyOf>['study']) => {
  const api = studySummary(store, study, null, Date.now(), { live: false, gpus: [] });
  const report = buildStudyReport(store, study);
  return { api, report };
};

describe('best-so-far against energy, dashboard and report', () => {
  it('for energy_j as an objective: three trials at 100, 200, 300 J are at 100, 300, 600 J in both', () => {
    const { store, study } = studyOf([
      { lineage: { kind: 'baseline' }, acc: 0.8, energy: 100 },
      { lineage: { kind: 'sampler', detail: 'gp' }, acc: 0.9, energy: 200 },
      { lineage: { kind: 'sampler', detail: 'gp' }, acc: 0.85, energy: 300 },
    ]);
    const { api, report } = series(store, study);
    expect(api.best_so_far.by_energy).toEqual([
      { x: 100, y: 0.8 },
      { x: 300, y: 0.9 },
      { x: 600, y: 0.9 },
    ]);
    expect(report.convergence[0]!.byEnergy).toEqual(api.best_so_far.by_energy);
    expect(api.budget.energy_j).toEqual({ used: 600, limit: 5000 });
    expect(report.budget.energyJ).toBe(600);
    expect(report.comparisons[0]!.energyToBestJ).toBe(300);
    store.close();
  });

  it('counts a promoted trial’s ancestors once', () => {
    const { store, study } = studyOf([
      { lineage: { kind: 'sampler', detail: 'gp' }, acc: 0.6, energy: 100 },
      { lineage: { kind: 'sampler', detail: 'gp' }, acc: 0.5, energy: 120 },
      { lineage: { kind: 'promote', parentNumber: 0 }, acc: 0.8, energy: 400, own: 300 },
      { lineage: { kind: 'promote', parentNumber: 2 }, acc: 0.95, energy: 1300, own: 900 },
    ]);
    const { api, report } = series(store, study);
    expect(api.best_so_far.by_energy.map((p) => p.x)).toEqual([100, 220, 520, 1420]);
    expect(report.convergence[0]!.byEnergy).toEqual(api.best_so_far.by_energy);
    expect(api.hypervolume!.by_energy.map((p) => p.x)).toEqual([100, 220, 520, 1420]);
    expect(api.budget.energy_j.used).toBe(1420);
    // The report's tables show energy_j once, as the objective it is.
    expect(htmlReport(store, study)).not.toMatch(/<th>energy<\/th>/);
    store.close();
  });
});

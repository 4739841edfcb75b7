// `show` and `run`'s closing object over a study longer than a page: what it reads a page at a time is what
// the whole study, read at once, gives.
import { describe, expect, it } from 'vitest';
import { EnergyLedger } from '../../../src/main/engine/lineage/index.js';
import { studyShowJson, trialJson } from '../../../src/main/engine/report/json.js';
import { studyCost } from '../../../src/main/engine/report/study-cost.js';
import { bestTrials } from '../../../src/main/engine/study/pareto.js';
import { pagedStudyStore } from '../../helpers/paged-study.js';

describe('studyShowJson over pages', () => {
  const open = pagedStudyStore();

  it('gives the best, the energy and the cost of the whole study', () => {
    const { store, study } = open();
    const all = store.trials(study.id);
    const show = studyShowJson(store, study);
    // Trials 400 and 1100 tie for the best, on different pages: the earlier one, whole.
    expect(show.best.map((t) => ({ ...t, provenance: null }))).toEqual([trialJson(all.find((t) => t.number === 400)!)]);
    expect(bestTrials(all, study.objectives).map((t) => t.number)).toEqual([400]);
    expect(show.best[0]!.metrics.gpu_util).toBe(50);
    expect(show.energy).toEqual({ search_j: new EnergyLedger(all).total(), finalists_j: null });
    expect(show.cost).toEqual(studyCost(all));
    expect(show.cost.processes).toBe(1203);
    expect(show.cost.startup_s).toBeCloseTo(0.5 * 1203, 6);
  });
});

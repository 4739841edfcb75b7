// Totals over a whole study read its trials a page at a time with only the metrics they need: the same
// trials, in the same order, with the same values and lineage, as a whole read gives.
import { describe, expect, it } from 'vitest';
import { EnergyLedger, EnergyTotal, ENERGY_METRIC, OWN_ENERGY_METRIC, slimTrials } from '../../../src/main/engine/lineage/index.js';
import { pagedStudyStore } from '../../helpers/paged-study.js';

describe('slimTrials', () => {
  const open = pagedStudyStore();

  it('reads across pages, keeps only the named metrics, and leaves what `whole` names as stored', () => {
    const { store, study } = open();
    const all = store.trials(study.id);
    const keep = [ENERGY_METRIC, OWN_ENERGY_METRIC, 'duration_s'];
    const slim = slimTrials(store, study.id, keep, (t) => t.number === 600);
    expect(slim.map((t) => t.number)).toEqual(all.map((t) => t.number));
    slim.forEach((t, i) => {
      const w = all[i]!;
      expect({ ...t, metrics: {} }).toEqual({ ...w, metrics: {} });
      if (t.number === 600) expect(t.metrics).toEqual(w.metrics);
      else expect(t.metrics).toEqual(Object.fromEntries(Object.entries(w.metrics).filter(([k]) => keep.includes(k))));
    });
    // The ledger's total is the one a whole read gives, and so is the total taken trial by trial.
    expect(new EnergyLedger(slim).total()).toBe(new EnergyLedger(all).total());
    const sum = new EnergyTotal();
    for (const t of slim) sum.add(t);
    expect(sum.measured).toBe(true);
    expect(sum.total).toBe(new EnergyLedger(all).total());
  });
});

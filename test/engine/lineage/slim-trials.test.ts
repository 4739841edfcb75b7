// Totals over a whole study read its trials a page at a time with only the metrics they need: the same
// trials, in the same order, with the same values and lineage, as a whole read gives.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnergyLedger, ENERGY_METRIC, OWN_ENERGY_METRIC, slimTrials } from '../../../src/main/engine/lineage/index.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import type { Store } from '../../../src/main/engine/storage/types.js';
import { makeSpec, tempDir } from '../storage/helpers.js';

describe('slimTrials', () => {
  let store: Store | null = null;
  const tmp = tempDir();
  afterEach(() => {
    store?.close();
    tmp.cleanup();
  });

  it('reads across pages, keeps only the named metrics, and leaves what `whole` names as stored', () => {
    store = openStore(path.join(tmp.dir, 'slim.db'));
    const study = store.createStudy(makeSpec('slim'), 'h').study;
    // 1,203 trials: more than two pages of 500; every third one a promotion of the one before.
    const s = store;
    s.transaction(() => {
      for (let i = 0; i < 1203; i++) {
        const lineage = i % 3 === 2 ? { kind: 'promote' as const, parentNumber: i - 1 } : { kind: 'sampler' as const, detail: 'random' };
        s.enqueueTrial(study.id, { params: { lr: i / 2000 }, budget: null, lineage });
        const t = s.claimQueued(study.id, 'test')!;
        const metrics: Record<string, number> = { energy_j: 10 + i, duration_s: 1 + i / 100, gpu_util: 50, peak_gpu_mem_mb: 1000 + i };
        if (i % 3 === 2) metrics[OWN_ENERGY_METRIC] = 3;
        s.finishTrial(t.id, { state: i % 7 === 0 ? 'failed' : 'complete', values: i % 7 === 0 ? {} : { val_accuracy: i / 1203 }, metrics, reason: null, provenance: null });
      }
    });
    const all = store.trials(study.id);
    const slim = slimTrials(store, study.id, [ENERGY_METRIC, OWN_ENERGY_METRIC, 'duration_s'], (t) => t.number === 600);
    expect(slim.map((t) => t.number)).toEqual(all.map((t) => t.number));
    slim.forEach((t, i) => {
      const w = all[i]!;
      expect({ ...t, metrics: {} }).toEqual({ ...w, metrics: {} });
      if (t.number === 600) expect(t.metrics).toEqual(w.metrics);
      else expect(Object.keys(t.metrics).sort()).toEqual(Object.keys(w.metrics).filter((k) => k !== 'gpu_util' && k !== 'peak_gpu_mem_mb').sort());
    });
    // The ledger's total is the one a whole read gives.
    expect(new EnergyLedger(slim).total()).toBe(new EnergyLedger(all).total());
  });
});

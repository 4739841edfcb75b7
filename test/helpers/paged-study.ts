// A study longer than the 500-trial pages that whole-study totals read (lineage/slim-trials.ts): every
// third trial a promotion of the one before (carrying energy_increment_j), every seventh failed, and
// metrics beyond the ones the totals read.
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { openStore } from '../../src/main/engine/storage/open.js';
import type { Store, StudyRecord } from '../../src/main/engine/storage/types.js';
import { makeSpec, tempDir } from '../engine/storage/helpers.js';

/** For a describe block: opens a fresh store holding `writePagedStudy`'s study; closed after each test, its folder removed after all. */
export function pagedStudyStore(): () => { store: Store; study: StudyRecord } {
  const tmp = tempDir();
  let store: Store | null = null;
  afterEach(() => {
    store?.close();
    store = null;
  });
  afterAll(() => tmp.cleanup());
  return () => {
    const s = openStore(path.join(tmp.dir, `paged-${Date.now()}.db`));
    store = s;
    return { store: s, study: writePagedStudy(s) };
  };
}

export function writePagedStudy(store: Store, n = 1203): StudyRecord {
  const study = store.createStudy(makeSpec('paged'), 'h').study;
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const lineage = i % 3 === 2 ? { kind: 'promote' as const, parentNumber: i - 1 } : { kind: 'sampler' as const, detail: 'random' };
      store.enqueueTrial(study.id, { params: { lr: i / 2000 }, budget: null, lineage });
      const t = store.claimQueued(study.id, 'test')!;
      const metrics: Record<string, number> = { energy_j: 10 + i, duration_s: 1 + i / 100, startup_s: 0.5, gpu_util: 50, peak_gpu_mem_mb: 1000 + i };
      if (i % 3 === 2) metrics.energy_increment_j = 3;
      // Two trials, on different pages, share the best value: the earlier one is the best.
      const acc = i === 400 || i === 1100 ? 2 : i / n;
      store.finishTrial(t.id, { state: i % 7 === 0 ? 'failed' : 'complete', values: i % 7 === 0 ? {} : { val_accuracy: acc }, metrics, reason: null, provenance: null });
    }
  });
  return study;
}

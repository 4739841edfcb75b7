// The finalist_runs table on a real SQLite file: written with its trial, inherited by a retry.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { testSpec } from '../../helpers/spec.js';
import { tempDir } from '../../helpers/cli.js';

describe('finalist runs in the store', () => {
  it('are recorded with their trial, and a retry of an interrupted one is a finalist run too', () => {
    const store = openStore(path.join(tempDir(), 'f.db'));
    const { study } = store.createStudy(testSpec({ name: 'f' }), 'h');
    const search = store.enqueueTrial(study.id, { params: { lr: 0.01 }, budget: null, lineage: { kind: 'enqueued' } });
    const info = { parentNumber: search.number, seedIndex: 1, seed: 77, fold: 2, folds: 5 };
    const run = store.enqueueFinalistRun(study.id, { params: { lr: 0.01 }, budget: null, lineage: { kind: 'finalist', parentNumber: search.number } }, info);
    expect(store.finalistRun(run.id)).toEqual(info);
    expect(store.finalistRun(search.id)).toBeNull();
    store.claimQueued(study.id, 'engine-a');
    const claimed = store.claimQueued(study.id, 'engine-a')!;
    expect(claimed.id).toBe(run.id);
    const retry = store.transaction(() => {
      store.finishTrial(run.id, { state: 'stopped', values: {}, metrics: {}, reason: 'interrupted' });
      return store.enqueueTrial(study.id, { params: run.params, budget: null, lineage: { kind: 'retry', parentNumber: run.number } });
    });
    expect(store.finalistRun(retry.id)).toEqual(info);
    expect([...store.finalistRuns(study.id).keys()]).toEqual([run.id, retry.id]);
    store.close();
  });
});

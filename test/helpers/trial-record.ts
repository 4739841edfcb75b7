// A stored trial's record for tests that hand records to in-memory parts (trial views) without a store.
import type { TrialRecord } from '../../src/main/engine/storage/types.js';

export function trialRecord(over: Partial<TrialRecord> = {}): TrialRecord {
  return {
    id: 1,
    studyId: 1,
    number: 0,
    state: 'running',
    params: { x: 1 },
    budget: null,
    values: {},
    metrics: {},
    reason: null,
    lineage: { kind: 'sampler', parentId: null, parentNumber: null, detail: 'random' },
    retries: 0,
    startedAt: null,
    endedAt: null,
    owner: null,
    heartbeatAt: null,
    pgid: null,
    jobId: null,
    node: null,
    gpus: null,
    ...over,
  };
}

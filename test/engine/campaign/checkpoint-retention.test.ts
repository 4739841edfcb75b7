// Checkpoint retention during a run: a checkpoint nothing can use any more goes as soon as its trial ends,
// the best configurations keep theirs, and the empty folder every trial gets is no reason for a pass over
// the whole study (that pass, once per ended trial, made a 5,000-trial study's engine cost grow with it).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointRetention } from '../../../src/main/engine/campaign/checkpoint-retention.js';
import { trialDir } from '../../../src/main/engine/paths.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import type { Store } from '../../../src/main/engine/storage/types.js';
import { specHash } from '../../../src/main/engine/study/spec-hash.js';
import { tempDir } from '../../helpers/cli.js';
import { testSpec } from '../../helpers/spec.js';

const spec = testSpec({ name: 'ckpt', checkpoints: { keep_best: 1 } });

/** Runs one trial to `acc` through the store; `bytes`: what its trainer wrote into its checkpoint folder. */
function finished(store: Store, studyId: number, artifacts: string, acc: number, bytes: number): number {
  store.enqueueTrial(studyId, { params: { lr: 0.01 }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
  const t = store.claimQueued(studyId, 'e')!;
  const dir = path.join(trialDir(artifacts, spec.name, t.number), 'checkpoint');
  mkdirSync(dir, { recursive: true });
  if (bytes > 0) writeFileSync(path.join(dir, 'model.pt'), Buffer.alloc(bytes));
  store.finishTrial(t.id, { state: 'complete', values: { acc }, metrics: {}, reason: null });
  return t.number;
}

const ckpt = (artifacts: string, n: number) => path.join(trialDir(artifacts, spec.name, n), 'checkpoint');

describe('checkpoint retention during a run', () => {
  it('removes a written checkpoint once its trial ends out of the best, keeps the best, and leaves empty folders to the final pass', () => {
    const artifacts = tempDir('nightshift-ckpt-');
    const store = openStore(path.join(artifacts, 'c.db'));
    const { study } = store.createStudy(spec, specHash(spec));
    store.acquireStudyLease(study.id, 'e', () => false);
    // Left by an earlier run: found by the scan when retention starts.
    const earlier = finished(store, study.id, artifacts, 0.5, 100);
    const retention = new CheckpointRetention({ store, study, spec, artifacts });

    const best = finished(store, study.id, artifacts, 0.9, 100);
    retention.trialEnded(best);
    // The earlier trial is no longer among the best 1: its checkpoint goes now, not at the end of the run.
    expect(retention.prune(false)).toEqual([earlier]);
    expect(existsSync(ckpt(artifacts, earlier))).toBe(false);
    expect(existsSync(ckpt(artifacts, best))).toBe(true);

    const empty = finished(store, study.id, artifacts, 0.1, 0);
    retention.trialEnded(empty);
    expect(retention.prune(false)).toEqual([]);
    expect(existsSync(ckpt(artifacts, empty))).toBe(true);

    expect(retention.prune(true)).toEqual([empty]);
    expect(existsSync(ckpt(artifacts, best))).toBe(true);
    store.close();
  });
});

// Checkpoint retention (`checkpoints: {keep_best: K}`): an overnight ASHA campaign writes a checkpoint per
// configuration, and most are dead weight by morning. A configuration's checkpoint folder (owned by the
// first trial of its chain of retries and promotions) is kept while it may still be used: a trial of the
// chain is queued or running (it resumes from it), or the campaign is still going and a multi-fidelity
// scheduler may promote one of its complete trials. After that only the best K configurations per
// objective keep theirs, so the winners can be resumed or fine-tuned.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Objective } from '../../../shared/types.js';
import type { StudySpec } from '../study/types.js';
import type { Store, StudyRecord, TrialRecord } from '../storage/types.js';
import { byNumberIn, chainRoot } from '../lineage/index.js';
import { trialDir } from '../paths.js';

/** Schedulers that start new trials from finished ones (promotion), so a finished trial's checkpoint may be needed. */
const PROMOTING_SCHEDULERS = new Set(['asha', 'hyperband']);

export interface RetentionInput {
  store: Store;
  study: StudyRecord;
  spec: StudySpec;
  artifacts: string;
  /** The campaign has ended its search for good: nothing will be promoted any more. */
  final: boolean;
}

/** Removes the checkpoint folders nothing can use any more; returns the root trial numbers whose folders went. */
export function pruneCheckpoints(o: RetentionInput): number[] {
  const trials = o.store.trials(o.study.id);
  const byNumber = byNumberIn(trials);
  const chains = new Map<number, TrialRecord[]>();
  for (const t of trials) {
    const root = chainRoot(t, byNumber).number;
    const list = chains.get(root);
    if (list) list.push(t);
    else chains.set(root, [t]);
  }
  const best = bestChains(chains, o.study.objectives, o.spec.checkpoints.keep_best);
  const mayPromote = !o.final && PROMOTING_SCHEDULERS.has(o.spec.scheduler.type);
  const removed: number[] = [];
  for (const [root, chain] of chains) {
    if (best.has(root)) continue;
    if (chain.some((t) => t.state === 'queued' || t.state === 'running')) continue;
    if (mayPromote && chain.some((t) => t.state === 'complete')) continue;
    const dir = path.join(trialDir(o.artifacts, o.study.name, root), 'checkpoint');
    if (!existsSync(dir)) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      continue; // Tried again after the next trial; a folder we cannot remove is not worth stopping for.
    }
    removed.push(root);
  }
  if (removed.length > 0) {
    o.store.addEvent(o.study.id, null, 'checkpoints.removed', `checkpoints no longer needed removed (configurations of trials ${removed.join(', ')})`);
  }
  return removed;
}

/** The roots of the best `k` configurations for each objective, by the best value any of their trials reached. */
function bestChains(chains: Map<number, TrialRecord[]>, objectives: readonly Objective[], k: number): Set<number> {
  const keep = new Set<number>();
  if (k <= 0) return keep;
  for (const o of objectives) {
    const sign = o.direction === 'maximize' ? -1 : 1;
    const scored: { root: number; score: number }[] = [];
    for (const [root, chain] of chains) {
      const values = chain.filter((t) => t.state === 'complete').map((t) => t.values[o.metric]).filter((v): v is number => Number.isFinite(v));
      if (values.length > 0) scored.push({ root, score: Math.min(...values.map((v) => sign * v)) });
    }
    scored.sort((a, b) => a.score - b.score || a.root - b.root);
    for (const s of scored.slice(0, k)) keep.add(s.root);
  }
  return keep;
}

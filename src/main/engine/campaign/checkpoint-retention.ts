// Checkpoint retention (`checkpoints: {keep_best: K}`): an overnight ASHA campaign writes a checkpoint per
// configuration, and most are dead weight by morning. A configuration's checkpoint folder (owned by the
// first trial of its chain of retries and promotions) is kept while it may still be used: a trial of the
// chain is queued or running (it resumes from it), or the campaign is still going and a multi-fidelity
// scheduler may promote one of its complete trials. After that only the best K configurations per
// objective keep theirs, so the winners can be resumed or fine-tuned.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Objective } from '../../../shared/types.js';
import type { StudySpec } from '../study/types.js';
import type { Store, StudyRecord, TrialRecord } from '../storage/types.js';
import { byNumberIn, chainRoot, slimTrials } from '../lineage/index.js';
import { studyDir, trialDir } from '../paths.js';
import type { DatabaseFullWait } from './db-full.js';
import type { EventSink } from './events.js';

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

/**
 * Retention over one campaign run. A full pass reads every trial of the study, so it runs only while some
 * checkpoint folder may be removable: the candidates are the chain roots whose folder exists, found by one
 * scan when the run starts and then from each trial that ends. A study whose trials write no checkpoint
 * (most of them) pays nothing per trial; before, a 5,000-trial study spent 54 ms per ended trial reading
 * every trial and testing 5,000 folders.
 */
export class CheckpointRetention {
  private readonly candidates = new Set<number>();

  constructor(private readonly o: Omit<RetentionInput, 'final'> & { dbFull?: DatabaseFullWait; emit?: EventSink }) {
    const trials = path.join(studyDir(o.artifacts, o.study.name), 'trials');
    let entries: string[] = [];
    try {
      entries = readdirSync(trials);
    } catch {
      // No trial folder yet.
    }
    for (const e of entries) if (/^\d+$/.test(e)) this.noteFolder(Number(e));
  }

  /**
   * After trial `ended` ended, or once the search is over (`final`): removes what it can. A failure is a
   * warning, never the engine's end; with the database's disk full the pass waits for the next trial.
   */
  retain(final: boolean, ended?: number): void {
    const { dbFull, emit } = this.o;
    try {
      if (ended !== undefined) this.trialEnded(ended);
      if (!dbFull?.waiting) this.prune(final);
    } catch (e) {
      if (!dbFull?.hit(e)) emit?.({ type: 'log', level: 'warn', message: `checkpoint retention skipped: ${(e as Error).message}` });
    }
  }

  /** A trial ended: its chain's folder (owned by the chain's first trial) may now hold a checkpoint. */
  trialEnded(number: number): void {
    const { store, study } = this.o;
    const t = store.trialByNumber(study.id, number);
    if (t) this.noteFolder(chainRoot(t, (n) => store.trialByNumber(study.id, n) ?? undefined).number);
  }

  /**
   * Removes what nothing can use any more (see `pruneCheckpoints`); during the run a no-op while no folder
   * with something in it is a candidate. The final pass looks at every chain, empty folders included.
   */
  prune(final: boolean): number[] {
    if (!final && this.candidates.size === 0) return [];
    const removed = pruneCheckpoints({ ...this.o, final }, final ? undefined : this.candidates);
    for (const root of removed) this.candidates.delete(root);
    return removed;
  }

  /** Every trial gets a checkpoint folder; only one a trainer wrote into is worth a pass over the study. */
  private noteFolder(root: number): void {
    try {
      if (readdirSync(checkpointDir(this.o, root)).length > 0) this.candidates.add(root);
    } catch {
      // No folder (it was never made, or already removed).
    }
  }
}

function checkpointDir(o: Omit<RetentionInput, 'final'>, root: number): string {
  return path.join(trialDir(o.artifacts, o.study.name, root), 'checkpoint');
}

/**
 * Removes the checkpoint folders nothing can use any more; returns the root trial numbers whose folders
 * went. `only`: the roots worth looking at (folders known to exist); default every chain.
 */
export function pruneCheckpoints(o: RetentionInput, only?: ReadonlySet<number>): number[] {
  // States, values and lineage decide; no metric does (lineage/slim-trials.ts: less garbage per pass).
  const trials = slimTrials(o.store, o.study.id, []);
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
    if (only && !only.has(root)) continue;
    if (best.has(root)) continue;
    if (chain.some((t) => t.state === 'queued' || t.state === 'running')) continue;
    if (mayPromote && chain.some((t) => t.state === 'complete')) continue;
    const dir = checkpointDir(o, root);
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

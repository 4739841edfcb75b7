// A whole study's trials for totals over it (energy, process cost), read a page at a time and cut down to
// the metrics the totals read. A trial record decoded whole holds every measured metric, and a 5,000-trial
// study read whole at once raised an engine's RSS by 10-30 MiB, part of which it kept: at start (the energy
// already spent, campaign/trial-pool.ts) and in the closing summary (report/json.ts).
import type { Store, StoreReader, TrialRecord } from '../storage/types.js';

const PAGE = 500;

/**
 * The study's trials in number order, each with only the `keep` metrics, except those `whole` names (kept
 * as stored). Values, parameters and lineage are untouched.
 */
export function slimTrials(store: StoreReader, studyId: number, keep: readonly string[], whole: (t: TrialRecord) => boolean = () => false): TrialRecord[] {
  return [...slimTrialPages(store, studyId, keep, whole)].flat();
}

/** As `slimTrials`, a page of up to 500 trials at a time, for a caller that need not hold them all. */
export function* slimTrialPages(store: StoreReader, studyId: number, keep: readonly string[], whole: (t: TrialRecord) => boolean = () => false): Generator<TrialRecord[]> {
  const slim = (t: TrialRecord): TrialRecord => (whole(t) ? t : { ...t, metrics: pick(t.metrics, keep) });
  if (!isPaged(store)) {
    yield store.trials(studyId).map(slim);
    return;
  }
  const end = store.trialNumberEnd(studyId);
  for (let from = 0; from < end; from += PAGE) yield store.trials(studyId, { from, to: from + PAGE }).map(slim);
}

/** A Nightshift database reads trials by number range; a foreign source (an Optuna file) reads them all. */
function isPaged(store: StoreReader): store is StoreReader & Pick<Store, 'trials' | 'trialNumberEnd'> {
  return 'trialNumberEnd' in store && typeof store.trialNumberEnd === 'function';
}

function pick(metrics: Readonly<Record<string, number>>, keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) if (metrics[k] !== undefined) out[k] = metrics[k];
  return out;
}

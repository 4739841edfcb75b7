// Rungs of successive halving and the promotion rule of ASHA (Li et al., "A System for Massively Parallel
// Hyperparameter Tuning", MLSys 2020, Algorithm 2), computed from the trials alone so a restarted engine,
// or a second slot asking at the same moment, reaches the same answer.
//
// A configuration is a set of params: a promoted trial is a new trial record with its parent's params and a
// larger budget. So "promoted from rung k" means: some trial with the same params has a budget above r_k,
// whatever its state. Queued and running trials count, so two free slots never promote the same
// configuration twice; a failed promotion is not retried here (the engine's retries handle crashes).
import type { Objective, Params } from '../../../shared/types.js';
import type { TrialView } from '../study/trial-view.js';
import { rankPoints } from './mo-rank.js';
import type { Promotion } from './types.js';

/**
 * The rung ladder r_k = min·eta^k while it stays at or below max, then max itself as the last rung
 * (min 2, max 52, eta 3 gives 2, 6, 18, 52). With integer min and max (epochs) rungs are rounded to
 * whole numbers, duplicates dropped.
 */
export function rungLadder(min: number, max: number, eta: number): number[] {
  if (!(min > 0) || !(max > min) || !(eta > 1)) throw new Error(`rungLadder: need 0 < min < max and eta > 1, got ${min}, ${max}, ${eta}`);
  const integer = Number.isInteger(min) && Number.isInteger(max);
  const ladder: number[] = [];
  const push = (r: number): void => {
    const v = integer ? Math.round(r) : r;
    if (ladder.length === 0 || v > ladder[ladder.length - 1]! * (1 + 1e-9)) ladder.push(v);
  };
  // The tolerance keeps exact powers (1·3^3 = 27 computed as 27.000000000000004) on the ladder.
  for (let r = min; r <= max * (1 + 1e-9); r *= eta) push(Math.min(r, max));
  if (!sameBudget(ladder[ladder.length - 1]!, max)) push(max);
  return ladder;
}

export function sameBudget(a: number | null, b: number): boolean {
  return a !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** The ladder index of `budget`, or -1 when it is not one of the rungs. */
export function rungIndex(ladder: readonly number[], budget: number | null): number {
  return ladder.findIndex((r) => sameBudget(budget, r));
}

/** A canonical key of a configuration: the scheduler is not given the search space, only params. */
export function configKey(params: Params): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

/** Trials grouped by configuration, in order of first appearance. */
export function byConfig(trials: readonly TrialView[]): Map<string, TrialView[]> {
  const groups = new Map<string, TrialView[]>();
  for (const t of trials) {
    const key = configKey(t.params);
    const g = groups.get(key);
    if (g) g.push(t);
    else groups.set(key, [t]);
  }
  return groups;
}

/** The objective vector of a complete trial, or null when one objective is missing or not finite. */
export function objectiveVector(t: TrialView, objectives: readonly Objective[]): number[] | null {
  if (t.state !== 'complete' || !t.values) return null;
  const v = objectives.map((o) => t.values?.[o.metric]);
  return v.every((x): x is number => typeof x === 'number' && Number.isFinite(x)) ? v : null;
}

/**
 * ASHA's promotion among `configs` (each a configuration's trials) on `ladder`: scanning from the highest
 * rung below the top down to rung 0, the first configuration that is among the top ⌊n_k/eta⌋ of the n_k
 * complete results of rung k and not yet promoted goes to rung k+1. Null when none qualifies.
 */
export function ashaPromotion(
  configs: Iterable<readonly TrialView[]>,
  ladder: readonly number[],
  eta: number,
  objectives: readonly Objective[],
): Promotion | null {
  const groups = [...configs];
  for (let k = ladder.length - 2; k >= 0; k--) {
    const rung = ladder[k]!;
    const results: { trial: TrialView; point: number[]; promoted: boolean }[] = [];
    for (const trials of groups) {
      // Retries of one configuration at one rung: the latest complete one is its result.
      let result: TrialView | null = null;
      let point: number[] | null = null;
      for (const t of trials) {
        if (!sameBudget(t.budget, rung)) continue;
        const v = objectiveVector(t, objectives);
        if (v && (!result || t.number > result.number)) {
          result = t;
          point = v;
        }
      }
      if (!result || !point) continue;
      const promoted = trials.some((t) => t.budget !== null && t.budget > rung && !sameBudget(t.budget, rung));
      results.push({ trial: result, point, promoted });
    }
    const quota = Math.floor(results.length / eta);
    if (quota === 0) continue;
    results.sort((a, b) => a.trial.number - b.trial.number);
    const ranked = rankPoints(
      results.map((r) => r.point),
      objectives.map((o) => o.direction),
    );
    for (const i of ranked.slice(0, quota)) {
      const r = results[i]!;
      if (!r.promoted) return { parent: r.trial.number, budget: ladder[k + 1]! };
    }
  }
  return null;
}

/** Hyperband: the bracket furthest below its share of configurations (`counts` against `allocation`), most aggressive first on ties. */
export function pickBracket(counts: readonly number[], allocation: readonly number[]): number {
  let pick = allocation.length - 1;
  for (let s = allocation.length - 2; s >= 0; s--) {
    if ((counts[s]! + 1) / allocation[s]! < (counts[pick]! + 1) / allocation[pick]!) pick = s;
  }
  return pick;
}

/** Hyperband's configurations per bracket s of a ladder of `rungs` budgets: n_s = ⌈(s_max+1)/(s+1)·eta^s⌉ (equal budget per bracket). */
export function hyperbandAllocation(rungs: number, eta: number): number[] {
  const sMax = rungs - 1;
  return Array.from({ length: sMax + 1 }, (_, s) => Math.ceil(((sMax + 1) / (s + 1)) * eta ** s));
}

/**
 * The bracket of each configuration (keys of `groups`, in order of first appearance) under stop- or
 * pause-based Hyperband: each goes to the bracket furthest below its share, so it follows from the trials alone.
 */
export function bracketsByAppearance(keys: Iterable<string>, allocation: readonly number[]): Map<string, number> {
  const counts = new Array<number>(allocation.length).fill(0);
  const out = new Map<string, number>();
  for (const key of keys) {
    const s = pickBracket(counts, allocation);
    counts[s]!++;
    out.set(key, s);
  }
  return out;
}

// Stop-based successive halving (the stopping variant of ASHA: Li et al., MLSys 2020, sec. 3.2; Ray Tune's
// ASHAScheduler; Optuna's SuccessiveHalvingPruner): a trial trains towards the full budget in one process and
// is judged each time it reaches a rung; it goes on only when it is in the top 1/eta of the configurations
// that had reached that rung before it (itself included), else it is stopped there.
//
// The decision is a function of stored reports alone, and of those that can no longer change: a
// configuration's arrival at a rung is its first report at or past the rung's step (retries of the same
// configuration share it), and it is compared only with configurations that arrived earlier. So a restarted
// engine, or a retry that trains the first epochs again, reaches the decision the dead engine reached: a
// configuration stopped at a rung stays stopped, one let through stays let through.
//
// The quota follows Optuna: the top ⌊n/eta⌋ of n arrivals, and while n < eta only the best so far goes on
// (nothing can wait for later arrivals without holding a process).
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../samplers/types.js';
import { rankPoints } from './mo-rank.js';

/** A configuration's first report at or past a rung. */
export interface RungArrival {
  /** The trial that made it (a configuration's retries share its first arrival). */
  number: number;
  step: number;
  seq: number;
  /** The objectives at that report, or null when one is missing (it cannot be ranked). */
  point: number[] | null;
}

export interface RungVerdict {
  keep: boolean;
  /** 1-based rank among the arrivals so far (itself included), and how many of them go on. */
  rank: number;
  quota: number;
  arrivals: number;
  arrival: RungArrival;
}

// Without stored report order (views built by hand) reports are taken in trial order, then step order.
const SEQ_STRIDE = 2 ** 32;

/** Each report of a trial as (step, seq, objective vector or null), in step order. */
export function reportsOf(t: TrialView, objectives: readonly Objective[]): { step: number; seq: number; point: number[] | null }[] {
  const out: { step: number; seq: number; point: number[] | null }[] = [];
  if (t.progress) {
    for (const [step, r] of t.progress) {
      const v = objectives.map((o) => r.values[o.metric]);
      out.push({ step, seq: r.seq, point: v.every((x): x is number => typeof x === 'number' && Number.isFinite(x)) ? v : null });
    }
  } else {
    for (const [step, value] of t.intermediate) {
      const point = objectives.length === 1 && Number.isFinite(value) ? [value] : null;
      out.push({ step, seq: t.number * SEQ_STRIDE + step, point });
    }
  }
  return out.sort((a, b) => a.step - b.step);
}

/** The first report at or past `rung` among a configuration's trials, by arrival order; null if none yet. */
export function firstArrival(trials: readonly TrialView[], rung: number, objectives: readonly Objective[]): RungArrival | null {
  let best: RungArrival | null = null;
  for (const t of trials) {
    for (const r of reportsOf(t, objectives)) {
      if (r.step < rung) continue;
      if (!best || r.seq < best.seq) best = { number: t.number, step: r.step, seq: r.seq, point: r.point };
      break;
    }
  }
  return best;
}

/**
 * The verdict at `rung` for the configuration `self` (its trials) among `configs` (every configuration that
 * competes at this rung, `self` included). Null when `self` has not reached the rung or cannot be ranked.
 */
export function rungVerdict(
  configs: Iterable<readonly TrialView[]>,
  self: readonly TrialView[],
  rung: number,
  eta: number,
  objectives: readonly Objective[],
): RungVerdict | null {
  const mine = firstArrival(self, rung, objectives);
  if (!mine || !mine.point) return null;
  const earlier: RungArrival[] = [];
  for (const trials of configs) {
    if (trials === self) continue;
    const a = firstArrival(trials, rung, objectives);
    if (a && a.point && a.seq < mine.seq) earlier.push(a);
  }
  // In arrival order, so ties go to the configuration that got there first.
  const field = [...earlier.sort((a, b) => a.seq - b.seq), mine];
  const ranked = rankPoints(
    field.map((a) => a.point!),
    objectives.map((o) => o.direction),
  );
  const quota = Math.max(1, Math.floor(field.length / eta));
  const rank = ranked.indexOf(field.length - 1) + 1;
  return { keep: rank <= quota, rank, quota, arrivals: field.length, arrival: mine };
}

/** The highest step any of a configuration's trials has reported. */
export function highestStep(trials: readonly TrialView[]): number {
  let high = -Infinity;
  for (const t of trials) {
    for (const s of t.progress?.keys() ?? []) high = Math.max(high, s);
    for (const s of t.intermediate.keys()) high = Math.max(high, s);
  }
  return high;
}

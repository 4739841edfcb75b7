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
// (nothing can wait for later arrivals without holding a process). Only configurations that passed the
// rungs below compete at a rung. Cost per report: O(n²) over a rung's n arrivals with one objective
// (more with several, through non-dominated sorting of each prefix).
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../study/trial-view.js';
import { rankPoints } from './mo-rank.js';
import { byConfig } from './rungs.js';

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
 * The verdicts at one rung of every configuration in `configs` that arrived there, each judged against
 * those that arrived before it, in arrival order. Configurations whose arrival lacks an objective are
 * let through unjudged (keep, rank 0).
 */
export function rungVerdicts(
  configs: readonly (readonly TrialView[])[],
  rung: number,
  eta: number,
  objectives: readonly Objective[],
): Map<readonly TrialView[], RungVerdict> {
  const arrivals: { config: readonly TrialView[]; arrival: RungArrival }[] = [];
  for (const config of configs) {
    const arrival = firstArrival(config, rung, objectives);
    if (arrival) arrivals.push({ config, arrival });
  }
  // In arrival order, so ties go to the configuration that got there first.
  arrivals.sort((a, b) => a.arrival.seq - b.arrival.seq);
  const out = new Map<readonly TrialView[], RungVerdict>();
  const field: number[][] = [];
  const directions = objectives.map((o) => o.direction);
  for (const { config, arrival } of arrivals) {
    if (!arrival.point) {
      out.set(config, { keep: true, rank: 0, quota: 0, arrivals: field.length, arrival });
      continue;
    }
    field.push(arrival.point);
    const rank = directions.length === 1 ? rankOfLast1d(field, directions[0] === 'maximize') : rankPoints(field, directions).indexOf(field.length - 1) + 1;
    const quota = Math.max(1, Math.floor(field.length / eta));
    out.set(config, { keep: rank <= quota, rank, quota, arrivals: field.length, arrival });
  }
  return out;
}

/** 1-based rank of the last point among all, earlier points winning ties (rankPoints' order, in O(n)). */
function rankOfLast1d(field: readonly number[][], maximize: boolean): number {
  const v = field[field.length - 1]![0]!;
  let ahead = 0;
  for (let i = 0; i < field.length - 1; i++) {
    const u = field[i]![0]!;
    if (maximize ? u >= v : u <= v) ahead++;
  }
  return ahead + 1;
}

/**
 * The first of `rungs` (ascending) at which `self` was stopped, or null when it passed every rung it has
 * reached. A configuration competes at a rung only if it passed the rungs below: one stopped at rung 1
 * whose process printed a few more epochs before it died does not take a place at rung 3.
 */
export function firstStop(
  configs: readonly (readonly TrialView[])[],
  self: readonly TrialView[],
  rungs: readonly number[],
  eta: number,
  objectives: readonly Objective[],
): { rung: number; verdict: RungVerdict } | null {
  let eligible = configs;
  for (const rung of rungs) {
    const verdicts = rungVerdicts(eligible, rung, eta, objectives);
    const mine = verdicts.get(self);
    if (!mine) return null;
    if (!mine.keep) return { rung, verdict: mine };
    eligible = eligible.filter((c) => verdicts.get(c)?.keep === true);
  }
  return null;
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

/**
 * Under stop-based successive halving: each configuration's result at each rung below the top (its first
 * report at or past the rung, as a complete trial with that budget), the complete trials themselves (the
 * top rung), and every pending trial. The GP's multi-fidelity wrapper (samplers/multi-fidelity.ts) then picks
 * a rung exactly as under promotion.
 */
export function rungResults(trials: readonly TrialView[], rungSteps: readonly number[], objectives: readonly Objective[]): TrialView[] {
  const out: TrialView[] = [];
  for (const group of byConfig(trials).values()) {
    for (const rung of rungSteps) {
      const a = firstArrival(group, rung, objectives);
      if (!a || !a.point) continue;
      const values = Object.fromEntries(objectives.map((o, i) => [o.metric, a.point![i]!]));
      const energy = energyAtStep(group.find((t) => t.number === a.number), a.step);
      const metrics = energy === null ? undefined : { energy_j: energy };
      out.push({ number: a.number, state: 'complete', params: group[0]!.params, values, intermediate: new Map(), budget: rung, metrics });
    }
  }
  for (const t of trials) if (t.state === 'complete' || t.state === 'queued' || t.state === 'running') out.push(t);
  return out;
}

/**
 * What a finished trial had spent by `step`: its measured joules per reported step, times the step. A rung
 * result at budget b is then priced at b steps of its configuration, so the cost-aware acquisition compares
 * configurations by what an epoch of each costs (a larger network or a smaller batch costs more per epoch),
 * as it does under promotion, where each rung's trial is measured on its own. The start-up cost is spread
 * over the steps; it is much the same for every configuration of a study. Null while the trial runs or
 * when it was not measured.
 */
function energyAtStep(t: TrialView | undefined, step: number): number | null {
  const joules = t?.metrics?.energy_j;
  if (!t || typeof joules !== 'number' || !Number.isFinite(joules) || joules <= 0) return null;
  const last = highestStep([t]);
  return last > 0 && Number.isFinite(last) ? (joules * Math.min(step, last)) / last : null;
}

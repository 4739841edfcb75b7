// `grace` of the stop-based schedulers: the lowest step at which a configuration may be judged, as Ray
// Tune's ASHA `grace_period`. A number is taken as given; `auto` prices a trial's start-up from the study's
// own measurements.
//
// Successive halving counts a rung's cost as its steps, but each configuration also pays a fixed cost before
// its first step (process start, imports, data loading; on a GPU, CUDA initialisation and compilation). With
// c0 that fixed cost and c1 a step's, judging at rung r costs c0 + r·c1 per configuration; where c0 is
// several steps' worth, stopping a configuration at a low rung saves little of what it took to start it, and
// each configuration stopped there makes room for another that pays c0 again. `auto` judges a configuration
// first at the lowest rung whose training costs at least its start-up (r·c1 >= c0): the start-up is then at
// most half of what a judged configuration cost. On bundled breast_cancer with the built-in trainer, a start
// costs about 7 epochs (0.21 s against 0.03 s), while on digits an epoch costs more than the start.
//
// The estimate comes from the trials alone, so a restarted engine reaches the same one: it is read from the
// shortest run of the study's first trials (by number, all finished) that holds MIN_MEASURED trials with two
// or more reports, and it never changes afterwards. Until those trials have finished every rung is judged,
// as without `grace`; a configuration let through a rung stays let through, and a stopped one is finished.
import type { TrialView } from '../study/trial-view.js';

/** Measured metrics (final, per trial) the estimate reads; the engine's views carry them (campaign/views.ts). */
export const START_UP_METRICS = ['startup_s', 'duration_s'] as const;

/** Trials with at least two reports that fix the estimate. */
export const MIN_MEASURED = 3;

export type Grace = number | 'auto' | null;

export interface StartUpCost {
  /** Seconds before the first step (launch to first report, less that step's training). */
  fixedS: number;
  /** Seconds per step (the fidelity's unit), between a trial's first report and its end. */
  stepS: number;
  /** The trials it was read from. */
  from: number[];
}

const FINISHED = new Set(['complete', 'pruned', 'failed', 'stopped']);

/** The start-up cost measured on the study's first trials, or null until they have finished (see header). */
export function startUpCost(trials: readonly TrialView[]): StartUpCost | null {
  // The engine's views come in number order, so this walk reads only the study's first trials, up to the
  // first one still running, at every report; only a list out of order (checked as far as the walk goes)
  // is sorted first.
  const rows: { number: number; startup: number; first: number; stepS: number | null }[] = [];
  let measured = 0;
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i]!;
    if (i > 0 && trials[i - 1]!.number > t.number) return startUpCost([...trials].sort((a, b) => a.number - b.number));
    if (!FINISHED.has(t.state)) return null;
    const startup = t.metrics?.startup_s;
    const duration = t.metrics?.duration_s;
    if (startup === undefined || duration === undefined || !(startup > 0) || !(duration >= startup)) continue;
    const steps = reportedSteps(t);
    if (steps.length === 0) continue;
    const first = steps[0]!;
    const last = steps[steps.length - 1]!;
    const stepS = last > first ? (duration - startup) / (last - first) : null;
    rows.push({ number: t.number, startup, first, stepS });
    if (stepS !== null && ++measured >= MIN_MEASURED) break;
  }
  if (measured < MIN_MEASURED) return null;
  const stepS = median(rows.flatMap((r) => (r.stepS === null ? [] : [r.stepS])));
  const fixedS = Math.max(0, median(rows.map((r) => r.startup - stepS * r.first)));
  return { fixedS, stepS, from: rows.map((r) => r.number) };
}

/**
 * The lowest step a configuration may be judged at under `grace` (null: every rung), and for `auto` the
 * start-up cost it was read from (null, with step null, until the first trials have finished).
 */
export function graceReading(grace: Grace, trials: readonly TrialView[]): { step: number | null; cost: StartUpCost | null } {
  if (grace === null || typeof grace === 'number') return { step: grace, cost: null };
  const cost = startUpCost(trials);
  return { step: cost && stepsPerStart(cost), cost };
}

/** The lowest step a configuration may be judged at under `grace` (null: every rung). */
export function graceStep(grace: Grace, trials: readonly TrialView[]): number | null {
  return graceReading(grace, trials).step;
}

/** What a start costs in steps: `auto` judges no rung below it. */
export function stepsPerStart(cost: StartUpCost): number {
  // No measurable step time: a start costs "infinitely many" steps, so no rung below the top is judged.
  return cost.stepS > 0 ? cost.fixedS / cost.stepS : Infinity;
}

/** The rungs at or above step `from` (a rung equal to it, up to rounding, is judged). */
export function rungsFrom(rungs: readonly number[], from: number | null): readonly number[] {
  return from === null ? rungs : rungs.filter((r) => r >= from - 1e-9);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The steps a trial reported (with an objective), ascending. */
function reportedSteps(t: TrialView): number[] {
  return [...(t.progress ?? t.intermediate).keys()].sort((a, b) => a - b);
}

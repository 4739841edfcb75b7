// What the GP learns from: finished trials turned into encoded inputs and minimization targets, running
// trials as inputs to fantasize, and a bounded training subset so each ask costs the same at 1,000 trials
// as at 300 (exact GP cost grows as n^3).
import type { Objective } from '../../../../shared/types.js';
import type { ConstraintSpec } from '../../study/types.js';
import type { Rng } from '../rng.js';
import type { TrialView } from '../types.js';
import { encode, type Encoding } from './encode.js';

/** The measured energy metric (joules) the cost-aware acquisition models. */
export const ENERGY_METRIC = 'energy_j';

export interface Observations {
  /** Encoded inputs of the usable finished trials, row-major n x D. */
  X: Float64Array;
  n: number;
  /** targets[k][i]: objective k of trial i, negated when maximized (everything is minimized). */
  targets: Float64Array[];
  /** constraintValues[c][i]: the constraint's metric (NaN when the trial did not report it). */
  constraintValues: Float64Array[];
  feasible: Uint8Array;
  /** energy[i]: the trial's `energy_j` metric (NaN when not measured), for the cost-aware acquisition. */
  energy: Float64Array;
  /** Encoded inputs of queued and running trials. */
  pendingX: Float64Array;
  pending: number;
}

export function collectObservations(
  enc: Encoding,
  trials: readonly TrialView[],
  objectives: readonly Objective[],
  constraints: readonly ConstraintSpec[],
): Observations {
  // Pruned trials carry a lower-fidelity value, failed ones none: only complete trials with every objective
  // finite are evidence about the objective at full budget.
  const done = trials.filter(
    (t) => t.state === 'complete' && t.values !== null && objectives.every((o) => Number.isFinite(t.values?.[o.metric])),
  );
  const pendingTrials = trials.filter((t) => t.state === 'queued' || t.state === 'running');
  const { D } = enc;
  const n = done.length;
  const X = new Float64Array(n * D);
  const targets = objectives.map(() => new Float64Array(n));
  const constraintValues = constraints.map(() => new Float64Array(n));
  const feasible = new Uint8Array(n);
  const energy = new Float64Array(n);
  done.forEach((t, i) => {
    const e = t.metrics?.[ENERGY_METRIC] ?? t.values?.[ENERGY_METRIC];
    energy[i] = typeof e === 'number' && Number.isFinite(e) ? e : NaN;
    encode(enc, t.params, X, i * D);
    objectives.forEach((o, k) => {
      const v = t.values![o.metric]!;
      targets[k]![i] = o.direction === 'maximize' ? -v : v;
    });
    let ok = true;
    constraints.forEach((c, k) => {
      const v = t.values?.[c.metric];
      const value = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
      constraintValues[k]![i] = value;
      if (Number.isNaN(value) || (c.min !== null && value < c.min) || (c.max !== null && value > c.max)) ok = false;
    });
    feasible[i] = ok ? 1 : 0;
  });
  const pendingX = new Float64Array(pendingTrials.length * D);
  pendingTrials.forEach((t, i) => encode(enc, t.params, pendingX, i * D));
  return { X, n, targets, constraintValues, feasible, energy, pendingX, pending: pendingTrials.length };
}

/**
 * At most `cap` indices: the best half by `score` (lower is better; the region the acquisition cares
 * about) and a uniform random draw from the rest (the global shape). All indices when n <= cap.
 */
export function selectSubset(score: Float64Array, indices: readonly number[], cap: number, rng: Rng): number[] {
  if (indices.length <= cap) return [...indices];
  const sorted = [...indices].sort((a, b) => score[a]! - score[b]!);
  const bestCount = Math.ceil(cap / 2);
  const rest = rng.shuffle(sorted.slice(bestCount)).slice(0, cap - bestCount);
  return [...sorted.slice(0, bestCount), ...rest].sort((a, b) => a - b);
}

/** Rows `idx` of a row-major matrix with D columns. */
export function takeRows(X: Float64Array, D: number, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length * D);
  idx.forEach((r, i) => out.set(X.subarray(r * D, r * D + D), i * D));
  return out;
}

export function take(v: Float64Array, idx: readonly number[]): Float64Array {
  return Float64Array.from(idx, (i) => v[i]!);
}

/** Per-trial score for the subset choice: the target itself, or with several objectives the best per-objective rank. */
export function selectionScore(targets: readonly Float64Array[], n: number): Float64Array {
  if (targets.length === 1) return targets[0]!;
  const score = new Float64Array(n).fill(Infinity);
  for (const t of targets) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => t[a]! - t[b]!);
    order.forEach((i, rank) => {
      score[i] = Math.min(score[i]!, rank);
    });
  }
  return score;
}

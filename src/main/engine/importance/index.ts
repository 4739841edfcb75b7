// Which parameters mattered, per objective, and what to do about it: fANOVA importances from a random
// forest fitted on the finished trials (./forest.ts, ./fanova.ts), a one-at-a-time sensitivity plan around
// the best configuration, and suggestions to freeze or narrow parameters for the next study.
import type { Objective, Params, ParamValue } from '../../../shared/types.js';
import type { SearchSpace } from '../study/space.js';
import { treeMainEffects } from './fanova.js';
import { fitForest, type ForestOptions } from './forest.js';

export { fitForest, type ForestOptions, type Leaf } from './forest.js';
export { treeMainEffects } from './fanova.js';

/** What importance needs of a trial: TrialRecord and TrialJson both fit. */
export interface ScoredTrial {
  state: string;
  params: Params;
  values: Readonly<Record<string, number>>;
}

export interface ParamImportance {
  param: string;
  /** Share of the objective's variance explained by this parameter alone; the list sums to 1 (or is all 0). */
  importance: number;
}

/** Complete trials with a finite value of `metric`. */
function usable<T extends ScoredTrial>(trials: readonly T[], metric: string): T[] {
  return trials.filter((t) => t.state === 'complete' && Number.isFinite(t.values[metric]));
}

/**
 * fANOVA importance of each parameter for one objective, highest first. Parameters are encoded on the
 * unit cube with SearchSpace.toUnit (categorical ones as equal shares of [0,1], so the uniform measure
 * weighs choices equally). Like Optuna, only parameters set in every trial used are assessed (a
 * conditional parameter that is inactive in some trials is left out). Deterministic for a given seed.
 * Returns [] with fewer than 2 usable trials.
 */
export function importance(trials: readonly ScoredTrial[], space: SearchSpace, objective: Objective | string, opts: ForestOptions = {}): ParamImportance[] {
  const metric = typeof objective === 'string' ? objective : objective.metric;
  const used = usable(trials, metric);
  const names = space.names.filter((n) => used.length > 0 && used.every((t) => t.params[n] !== undefined));
  if (used.length < 2 || names.length === 0) return [];
  const x = used.map((t) => names.map((n) => clamp01(space.toUnit(n, t.params[n]!))));
  const y = used.map((t) => t.values[metric]!);
  const forest = fitForest(x, y, opts);
  const sums = names.map(() => 0);
  for (const tree of forest) treeMainEffects(tree, names.length).forEach((v, i) => (sums[i]! += v));
  const total = sums.reduce((a, b) => a + b, 0);
  return names
    .map((param, i) => ({ param, importance: total > 0 ? sums[i]! / total : 0 }))
    .sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
}

function clamp01(u: number): number {
  return Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : 0.5;
}

export interface SensitivityPoint {
  /** The parameter varied from the best configuration. */
  param: string;
  value: ParamValue;
  /** The full configuration to run. */
  params: Params;
}

/**
 * One-at-a-time sensitivity around `best`: each parameter in turn takes `pointsPerParam` values evenly
 * spread over its range (every choice of a categorical one; every value of a small integer range), all
 * other parameters staying at the best. Values equal to the best, and repeats, are left out. When a
 * change activates a conditional parameter, it gets the middle of its range.
 */
export function sensitivityPlan(best: Params, space: SearchSpace, pointsPerParam: number): SensitivityPoint[] {
  const n = Math.max(2, Math.floor(pointsPerParam));
  const seen = new Set([space.key(best)]);
  const out: SensitivityPoint[] = [];
  for (const name of space.names) {
    if (!space.isActive(name, best)) continue;
    const all = space.values(name);
    const candidates: ParamValue[] = all && all.length <= n ? all : Array.from({ length: n }, (_, k) => space.fromUnit(name, k / (n - 1)));
    for (const value of candidates) {
      const params = complete({ ...best, [name]: value }, space);
      const key = space.key(params);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ param: name, value, params });
    }
  }
  return out;
}

/** Drops parameters made inactive and gives newly active ones the middle of their range. */
function complete(config: Params, space: SearchSpace): Params {
  const out: Params = {};
  for (const name of space.names) {
    if (!space.isActive(name, out)) continue;
    out[name] = config[name] ?? space.fromUnit(name, 0.5);
  }
  return out;
}

export type NarrowingSuggestion =
  | { param: string; kind: 'freeze'; value: ParamValue; reason: string }
  | { param: string; kind: 'narrow'; low: number; high: number; reason: string }
  | { param: string; kind: 'choices'; choices: ParamValue[]; reason: string };

export interface NarrowingOptions {
  /** Parameters below this importance are suggested frozen (default 0.05). */
  freezeBelow?: number;
  /** Fraction of complete trials counted as "top" (default 0.2, at least 3 trials). */
  topFraction?: number;
  /** Suggest a narrower range only when it is at most this fraction of the old one, in the unit cube (default 0.6). */
  narrowIfBelow?: number;
}

/**
 * Suggestions for the next study: freeze the parameters that hardly matter at the best trial's value,
 * and narrow each important one to where the top trials lie (their range plus a margin of 10% of the
 * parameter's range, on the parameter's own scale, log where it is log).
 */
export function suggestNarrowing(
  importances: readonly ParamImportance[],
  trials: readonly ScoredTrial[],
  space: SearchSpace,
  objective: Objective,
  opts: NarrowingOptions = {},
): NarrowingSuggestion[] {
  const freezeBelow = opts.freezeBelow ?? 0.05;
  const sign = objective.direction === 'maximize' ? -1 : 1;
  const ranked = usable(trials, objective.metric).sort((a, b) => sign * (a.values[objective.metric]! - b.values[objective.metric]!));
  if (ranked.length === 0) return [];
  const top = ranked.slice(0, Math.max(3, Math.ceil(ranked.length * (opts.topFraction ?? 0.2))));
  const best = ranked[0]!;
  const out: NarrowingSuggestion[] = [];
  for (const { param, importance: imp } of importances) {
    const spec = space.params[param];
    if (!spec) continue;
    const pct = `${(imp * 100).toFixed(1)}%`;
    if (imp < freezeBelow) {
      const value = best.params[param];
      if (value !== undefined) out.push({ param, kind: 'freeze', value, reason: `explains ${pct} of the variance of ${objective.metric}; fix it at the best trial's value` });
      continue;
    }
    const values = top.map((t) => t.params[param]).filter((v): v is ParamValue => v !== undefined);
    if (values.length === 0) continue;
    if (spec.type === 'categorical') {
      const used = spec.choices.filter((c) => values.includes(c));
      if (used.length < spec.choices.length) {
        out.push({ param, kind: 'choices', choices: used, reason: `the top ${top.length} trials only use ${used.map(String).join(', ')} (importance ${pct})` });
      }
      continue;
    }
    const us = values.map((v) => space.toUnit(param, v));
    const lo = Math.max(0, Math.min(...us) - 0.1);
    const hi = Math.min(1, Math.max(...us) + 0.1);
    if (hi - lo > (opts.narrowIfBelow ?? 0.6)) continue;
    const low = Number(space.fromUnit(param, lo));
    const high = Number(space.fromUnit(param, hi));
    if (low >= high) continue;
    out.push({ param, kind: 'narrow', low, high, reason: `the top ${top.length} trials lie in [${fmt(low)}, ${fmt(high)}] (importance ${pct})` });
  }
  return out;
}

function fmt(x: number): string {
  return String(+x.toPrecision(4));
}

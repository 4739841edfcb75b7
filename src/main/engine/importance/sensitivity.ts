// The one-at-a-time sensitivity follow-up of a study: a new study `<name>-sensitivity` in the same database
// whose trials are the best configuration (its baseline) and `sensitivityPlan` around it, all enqueued when
// it is created, with a trial budget equal to what is enqueued so the declared sampler never proposes
// anything. Then, per parameter, how far each objective moves across its values (the effect), and what to
// freeze or narrow. One-at-a-time only sees main effects at the best point (Saltelli et al., "Global
// Sensitivity Analysis: The Primer", 2008, ch. 1); the fANOVA importance in ./index.ts is the global view.
import type { Objective, Params, ParamValue } from '../../../shared/types.js';
import { byNumberIn, plannedLineage, type LineageNode } from '../lineage/index.js';
import type { NightshiftStudyRecord, Store, TrialLineage } from '../storage/types.js';
import { SearchSpace } from '../study/space.js';
import { specHash } from '../study/spec-hash.js';
import type { StudySpec } from '../study/types.js';
import { sensitivityPlan, type NarrowingSuggestion } from './index.js';

export const SENSITIVITY_SUFFIX = '-sensitivity';

/** A user-facing problem (no finished trial to start from, nothing to vary). */
export class SensitivityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SensitivityError';
  }
}

export interface SensitivityStudy {
  study: NightshiftStudyRecord;
  /** False when the follow-up study already existed (it is resumed as it was planned). */
  created: boolean;
  /** Trials planned (baseline included). */
  planned: number;
}

/** Complete trial with the best finite value of `objective`, or null. */
export function bestTrialOn<T extends { state: string; values: Readonly<Record<string, number>>; params: Params; number: number }>(
  trials: readonly T[],
  objective: Objective,
): T | null {
  const sign = objective.direction === 'maximize' ? -1 : 1;
  let best: T | null = null;
  for (const t of trials) {
    const v = t.values[objective.metric];
    if (t.state !== 'complete' || v === undefined || !Number.isFinite(v)) continue;
    if (best === null || sign * (v - best.values[objective.metric]!) < 0) best = t;
  }
  return best;
}

/** The objective named `metric` of a study (its first when null), or a SensitivityError listing the choices. */
export function pickObjective(objectives: readonly Objective[], metric: string | null | undefined): Objective {
  const o = metric ? objectives.find((x) => x.metric === metric) : objectives[0];
  if (!o) throw new SensitivityError(`the study has no objective "${metric ?? ''}"; its objectives: ${objectives.map((x) => x.metric).join(', ') || 'none'}`);
  return o;
}

/**
 * Opens `<source>-sensitivity`, creating it (with every trial enqueued, in one transaction) from the best
 * trial of `source` on `objective` when it does not exist yet. An existing one is returned as it was
 * planned: running the command again continues it.
 */
export function openSensitivityStudy(store: Store, source: NightshiftStudyRecord, opts: { points: number; objective: Objective }): SensitivityStudy {
  const name = source.name + SENSITIVITY_SUFFIX;
  const existing = store.getStudy(name);
  if (existing) return { study: existing, created: false, planned: existing.spec.budget.trials ?? 0 };
  const best = bestTrialOn(store.trials(source.id), opts.objective);
  if (!best) throw new SensitivityError(`study "${source.name}" has no complete trial with a value of ${opts.objective.metric}; run it first`);
  const space = new SearchSpace(source.searchSpace);
  const plan = sensitivityPlan(best.params, space, opts.points);
  if (plan.length === 0) throw new SensitivityError(`study "${source.name}" has no parameter that can take another value`);
  const spec: StudySpec = {
    ...source.spec,
    name,
    // Random is only declared: the budget below equals the enqueued trials, so it is never asked.
    sampler: { type: 'random', options: {} },
    // Every point must be measured at full fidelity: a pruned point has no comparable value.
    scheduler: { type: 'none', options: {} },
    budget: { trials: plan.length + 1, wall_time_s: null, energy_j: null, deadline: null },
    baseline: best.params,
    warm_start: null,
  };
  const budget = spec.fidelity?.max ?? null;
  const study = store.transaction(() => {
    const { study } = store.createStudy(spec, specHash(spec));
    store.enqueueTrial(study.id, { params: best.params, budget, lineage: { kind: 'baseline' } });
    for (const p of plan) store.enqueueTrial(study.id, { params: p.params, budget, lineage: { kind: 'sensitivity', detail: p.param } });
    store.addEvent(study.id, null, 'sensitivity', `one-at-a-time around trial #${best.number} of "${source.name}" (best ${opts.objective.metric}), ${plan.length} points`);
    return study;
  });
  return { study, created: true, planned: plan.length + 1 };
}

export interface EffectPoint {
  value: ParamValue;
  number: number;
  state: string;
  values: Readonly<Record<string, number>>;
  /** This point is the best configuration (the follow-up's baseline). */
  best: boolean;
}

export interface ParamEffect {
  param: string;
  /** The best configuration and every varied value of this parameter, in order of value (choices in spec order). */
  points: EffectPoint[];
  /** Per objective metric: max − min of its finite values over `points` (null with fewer than 2). */
  effect: Record<string, number | null>;
}

interface EffectTrial extends LineageNode {
  state: string;
  params: Params;
  values: Readonly<Record<string, number>>;
}

/**
 * Effects from the follow-up study's trials. A trial re-run after an interruption is a retry; it counts
 * for the point its first attempt was planned as.
 */
export function sensitivityEffects(trials: readonly EffectTrial[], space: SearchSpace, objectives: readonly Objective[]): ParamEffect[] {
  const byNumber = byNumberIn(trials);
  const planned = (t: EffectTrial): TrialLineage => plannedLineage(t, byNumber);
  const isBaseline = (t: EffectTrial) => planned(t).kind === 'baseline';
  const finished = trials.filter((t) => t.state !== 'queued' && t.state !== 'running' && t.state !== 'stopped');
  const base = finished.find((t) => isBaseline(t) && t.state === 'complete') ?? finished.find(isBaseline);
  const out: ParamEffect[] = [];
  for (const param of space.names) {
    const points: EffectPoint[] = finished
      .filter((t) => planned(t).kind === 'sensitivity' && planned(t).detail === param && t.params[param] !== undefined)
      .map((t) => ({ value: t.params[param]!, number: t.number, state: t.state, values: t.values, best: false }));
    if (base && base.params[param] !== undefined) points.push({ value: base.params[param]!, number: base.number, state: base.state, values: base.values, best: true });
    if (points.length === 0) continue;
    points.sort((a, b) => space.toUnit(param, a.value) - space.toUnit(param, b.value));
    const effect: Record<string, number | null> = {};
    for (const o of objectives) {
      const vs = points.filter((p) => p.state === 'complete').map((p) => p.values[o.metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
      effect[o.metric] = vs.length >= 2 ? Math.max(...vs) - Math.min(...vs) : null;
    }
    out.push({ param, points, effect });
  }
  return out;
}

export interface SensitivityOptions {
  /** Freeze a parameter whose effect is at most this fraction of the largest effect (default 0.05). */
  freezeBelow?: number;
  /** Values within this fraction of the parameter's effect from its best value count as good (default 0.25). */
  tolerance?: number;
}

/**
 * Freeze the parameters whose effect on `objective` is negligible next to the largest one, at the best
 * configuration's value; narrow the others to the values that come close to their best, plus the next
 * value tried on either side (the optimum may lie between two tried values).
 */
export function suggestFromSensitivity(effects: readonly ParamEffect[], space: SearchSpace, objective: Objective, opts: SensitivityOptions = {}): NarrowingSuggestion[] {
  const metric = objective.metric;
  const sized = effects.filter((e) => e.effect[metric] !== null && e.effect[metric] !== undefined);
  if (sized.length === 0) return [];
  const top = sized.reduce((a, b) => (b.effect[metric]! > a.effect[metric]! ? b : a));
  const largest = top.effect[metric]!;
  const freezeBelow = opts.freezeBelow ?? 0.05;
  const sign = objective.direction === 'maximize' ? -1 : 1;
  const out: NarrowingSuggestion[] = [];
  for (const e of sized) {
    const effect = e.effect[metric]!;
    const spec = space.params[e.param];
    const bestPoint = e.points.find((p) => p.best);
    if (!spec) continue;
    if (effect <= freezeBelow * largest) {
      if (!bestPoint) continue;
      const share = largest > 0 ? ` (${((effect / largest) * 100).toFixed(1)}% of the largest, ${top.param})` : '';
      out.push({ param: e.param, kind: 'freeze', value: bestPoint.value, reason: `changing it moves ${metric} by at most ${fmt(effect)}${share}; fix it at the best configuration's value` });
      continue;
    }
    const scored = e.points.filter((p) => p.state === 'complete' && Number.isFinite(p.values[metric]));
    const bestValue = Math.min(...scored.map((p) => sign * p.values[metric]!));
    const good = scored.filter((p) => sign * p.values[metric]! - bestValue <= (opts.tolerance ?? 0.25) * effect);
    if (spec.type === 'categorical') {
      const choices = spec.choices.filter((c) => good.some((p) => p.value === c));
      if (choices.length < spec.choices.length) out.push({ param: e.param, kind: 'choices', choices, reason: `only these choices come close to the best ${metric}: ${choices.map(String).join(', ')}` });
      continue;
    }
    const us = scored.map((p) => space.toUnit(e.param, p.value)).sort((a, b) => a - b);
    const goodUs = good.map((p) => space.toUnit(e.param, p.value));
    const gLo = Math.min(...goodUs);
    const gHi = Math.max(...goodUs);
    const lo = Math.max(0, [...us].reverse().find((u) => u < gLo) ?? gLo);
    const hi = Math.min(1, us.find((u) => u > gHi) ?? gHi);
    if (hi - lo >= 1 - 1e-9 || hi <= lo) continue;
    const low = Number(space.fromUnit(e.param, lo));
    const high = Number(space.fromUnit(e.param, hi));
    if (!(low < high)) continue;
    out.push({ param: e.param, kind: 'narrow', low, high, reason: `${metric} stays within ${((opts.tolerance ?? 0.25) * 100).toFixed(0)}% of this parameter's effect of its best in [${fmt(low)}, ${fmt(high)}]` });
  }
  return out;
}

function fmt(x: number): string {
  return String(+x.toPrecision(4));
}

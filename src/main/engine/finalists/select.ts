// Which configurations become finalists, and the runs each gets. Pure functions of the search trials, so
// the same study always plans the same runs: the stage can be interrupted and planned again without
// losing or duplicating a run (the store matches planned runs to stored ones by configuration, seed, fold).
import type { Objective, Params } from '../../../shared/types.js';
import { canonicalJson } from '../study/spec-hash.js';
import type { FidelitySpec, FinalistsSpec } from '../study/types.js';

/** A finished search trial, as selection needs it. */
export interface SearchResult {
  number: number;
  state: string;
  params: Params;
  values: Readonly<Record<string, number>>;
  budget: number | null;
}

export interface Finalist {
  /** The search trial that stands for the configuration (its highest budget, its best value there). */
  number: number;
  params: Params;
  /** Its search-time objective values. */
  values: Readonly<Record<string, number>>;
  budget: number | null;
}

/**
 * The top `top` configurations. A configuration that ran at several budgets (a multi-fidelity search) is
 * represented by its highest one, and higher budgets rank first: a 2-epoch score is not comparable with an
 * 8-epoch one. Within a budget, by `spec.objective` (or the only objective); with several objectives and
 * none named, Pareto-optimal configurations first, each group ordered by distance to the ideal point in
 * normalized objective space: the knee of the front, the compromise solution of Zeleny (1973).
 */
export function selectFinalists(trials: readonly SearchResult[], objectives: readonly Objective[], spec: FinalistsSpec, top: number): Finalist[] {
  const ranked = objectives.filter((o) => (spec.objective ? o.metric === spec.objective : true));
  const byConfig = new Map<string, SearchResult>();
  for (const t of trials) {
    if (t.state !== 'complete' || !ranked.every((o) => Number.isFinite(t.values[o.metric]))) continue;
    const key = canonicalJson(t.params);
    const cur = byConfig.get(key);
    if (!cur || budgetOf(t) > budgetOf(cur) || (budgetOf(t) === budgetOf(cur) && scoreBetter(t, cur, ranked))) byConfig.set(key, t);
  }
  const reps = [...byConfig.values()];
  const order = ranked.length === 1 ? singleOrder(reps, ranked[0]!) : kneeOrder(reps, ranked);
  return order
    .slice(0, top)
    .map((t) => ({ number: t.number, params: t.params, values: t.values, budget: t.budget }));
}

const budgetOf = (t: { budget: number | null }): number => t.budget ?? 0;

function scoreBetter(a: SearchResult, b: SearchResult, objectives: readonly Objective[]): boolean {
  const o = objectives[0]!;
  const x = a.values[o.metric]!;
  const y = b.values[o.metric]!;
  return o.direction === 'maximize' ? x > y : x < y;
}

function singleOrder(reps: SearchResult[], o: Objective): SearchResult[] {
  const sign = o.direction === 'maximize' ? -1 : 1;
  return [...reps].sort((a, b) => budgetOf(b) - budgetOf(a) || sign * (a.values[o.metric]! - b.values[o.metric]!) || a.number - b.number);
}

function kneeOrder(reps: SearchResult[], objectives: readonly Objective[]): SearchResult[] {
  const rank = new Map<number, [number, number]>();
  const budgets = [...new Set(reps.map(budgetOf))];
  for (const b of budgets) {
    const group = reps.filter((t) => budgetOf(t) === b);
    const distances = kneeDistances(group.map((t) => objectives.map((o) => t.values[o.metric]!)), objectives);
    group.forEach((t, i) => rank.set(t.number, [dominatedBy(t, group, objectives) ? 1 : 0, distances[i]!]));
  }
  return [...reps].sort((a, b) => {
    const [fa, da] = rank.get(a.number)!;
    const [fb, db] = rank.get(b.number)!;
    return budgetOf(b) - budgetOf(a) || fa - fb || da - db || a.number - b.number;
  });
}

/** Euclidean distance of each point to the ideal point, each objective scaled to [0, 1] (0 = best seen). */
export function kneeDistances(points: readonly number[][], objectives: readonly Objective[]): number[] {
  const lo = objectives.map((_, j) => Math.min(...points.map((p) => p[j]!)));
  const hi = objectives.map((_, j) => Math.max(...points.map((p) => p[j]!)));
  return points.map((p) =>
    Math.hypot(
      ...objectives.map((o, j) => {
        const span = hi[j]! - lo[j]!;
        if (span === 0) return 0;
        return o.direction === 'maximize' ? (hi[j]! - p[j]!) / span : (p[j]! - lo[j]!) / span;
      }),
    ),
  );
}

function dominatedBy(t: SearchResult, group: readonly SearchResult[], objectives: readonly Objective[]): boolean {
  const better = (o: Objective, a: number, b: number) => (o.direction === 'maximize' ? a > b : a < b);
  return group.some(
    (u) =>
      u !== t &&
      objectives.every((o) => !better(o, t.values[o.metric]!, u.values[o.metric]!)) &&
      objectives.some((o) => better(o, u.values[o.metric]!, t.values[o.metric]!)),
  );
}

/** One planned run: a finalist's configuration (with the overrides) at one seed and fold. */
export interface PlannedRun {
  parentNumber: number;
  params: Params;
  budget: number | null;
  seedIndex: number;
  seed: number;
  /** 0-based fold held out, or null without folds. */
  fold: number | null;
  folds: number | null;
}

/**
 * Every run of the stage, finalist by finalist. Seeds are shared by all finalists (seed i is the same
 * number for each), so runs pair up across configurations and a seed's luck cancels in comparisons.
 */
export function planRuns(finalists: readonly Finalist[], spec: FinalistsSpec, studySeed: number, fidelity: FidelitySpec | null): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const folds = spec.folds;
  const budgetOverride = fidelity ? spec.overrides[fidelity.param] : undefined;
  const overrides = Object.fromEntries(Object.entries(spec.overrides).filter(([k]) => k !== fidelity?.param));
  for (const f of finalists) {
    const params = { ...f.params, ...overrides };
    const budget = fidelity ? (typeof budgetOverride === 'number' ? budgetOverride : fidelity.max) : null;
    for (let s = 0; s < spec.seeds; s++) {
      for (let k = 0; k < (folds ?? 1); k++) {
        runs.push({ parentNumber: f.number, params, budget, seedIndex: s, seed: finalistSeed(studySeed, s), fold: folds ? k : null, folds });
      }
    }
  }
  return runs;
}

/** Seed i of the finalists stage: apart from the search trials' seeds (study seed + trial number). */
export function finalistSeed(studySeed: number, index: number): number {
  return (studySeed + 1_000_003 * (index + 1)) % 2_147_483_647;
}

/** Identifies a run within its finalist: its seed and fold (the pairing unit across finalists). */
export function unitKey(r: { seedIndex: number; fold: number | null }): string {
  return r.fold === null ? `seed ${r.seedIndex}` : `seed ${r.seedIndex} fold ${r.fold}`;
}

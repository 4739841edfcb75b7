// What the finalists stage found: per finalist, each objective's mean and 95% interval over its complete
// runs, the optimism of the search, and how sure we are of the order (statistics in stats.ts).
import type { FinalistJson, FinalistsJson, IntervalJson } from '../../../shared/finalists.js';
import type { Objective, Params, TrialState } from '../../../shared/types.js';
import type { FinalistsSpec } from '../study/types.js';
import { kneeDistances, unitKey, type Finalist, type PlannedRun } from './select.js';
import { kendallTau, meanInterval, optimism, probabilityBeats } from './stats.js';

/** A stored finalist run (the latest attempt of a planned run), as the results need it. */
export interface FinalistRunResult {
  number: number;
  parentNumber: number;
  seedIndex: number;
  fold: number | null;
  state: TrialState;
  values: Readonly<Record<string, number>>;
  metrics: Readonly<Record<string, number>>;
}

export interface FinalistsInput {
  objectives: readonly Objective[];
  spec: FinalistsSpec;
  /** The selected configurations, in search order. */
  finalists: readonly (Finalist & { energyJ: number | null })[];
  planned: readonly PlannedRun[];
  runs: readonly FinalistRunResult[];
}

const ENERGY = 'energy_j';

export function summarizeFinalists(input: FinalistsInput): FinalistsJson {
  const { objectives, spec } = input;
  const primary = objectives.find((o) => o.metric === spec.objective) ?? objectives[0]!;
  const rows = input.finalists.map((f, i) => finalistRow(f, i + 1, input));
  const scored = rows.filter((r) => r.validated[primary.metric] !== undefined);
  const order = validatedOrder(scored, objectives, spec, primary);
  order.forEach((r, i) => (r.rank = i + 1));
  const unranked = rows.filter((r) => !scored.includes(r));
  unranked.forEach((r, i) => (r.rank = order.length + i + 1));
  const units = new Map(rows.map((r) => [r.trial, unitValues(input.runs, r.trial, primary.metric)]));
  const beats: FinalistsJson['beats'] = [];
  for (const a of order) {
    for (const b of order) if (a !== b) beats.push({ a: a.trial, b: b.trial, p: probabilityBeats(units.get(a.trial)!, units.get(b.trial)!, primary.direction) });
  }
  const searchWinner = rows.find((r) => r.search_rank === 1)?.trial ?? null;
  const winner = order[0]?.trial ?? null;
  return {
    objective: primary.metric,
    direction: primary.direction,
    done: rows.every((r) => r.runs.pending === 0),
    seeds: spec.seeds,
    folds: spec.folds,
    finalists: [...order, ...unranked],
    winner,
    search_winner: searchWinner,
    winner_kept: winner === null || searchWinner === null ? null : winner === searchWinner,
    rank_tau: order.length < 2 ? null : kendallTau(order.map((r) => -r.search_rank), order.map((r) => -r.rank)),
    beats,
  };
}

function finalistRow(f: Finalist & { energyJ: number | null }, searchRank: number, input: FinalistsInput): FinalistJson {
  const planned = input.planned.filter((p) => p.parentNumber === f.number);
  const runs = input.runs.filter((r) => r.parentNumber === f.number);
  const complete = runs.filter((r) => r.state === 'complete');
  const metrics = [...input.objectives.map((o) => o.metric), ENERGY];
  const validated: Record<string, IntervalJson> = {};
  for (const m of metrics) {
    const xs = complete.map((r) => r.values[m] ?? r.metrics[m]).filter((x): x is number => Number.isFinite(x));
    if (xs.length > 0) validated[m] = meanInterval(xs);
  }
  const search: Record<string, number> = {};
  for (const o of input.objectives) if (Number.isFinite(f.values[o.metric])) search[o.metric] = f.values[o.metric]!;
  if (f.energyJ !== null) search[ENERGY] = f.energyJ;
  const opt: Record<string, number> = {};
  for (const o of input.objectives) {
    const v = validated[o.metric];
    if (v && search[o.metric] !== undefined) opt[o.metric] = optimism(search[o.metric]!, v.mean, o.direction);
  }
  const finishedKeys = new Set(runs.filter((r) => r.state === 'complete' || r.state === 'failed' || r.state === 'pruned').map(unitKey));
  const runParams: Params = planned[0]?.params ?? f.params;
  return {
    rank: 0,
    search_rank: searchRank,
    trial: f.number,
    params: f.params,
    run_params: runParams,
    runs: {
      planned: planned.length,
      complete: complete.length,
      failed: runs.filter((r) => r.state === 'failed' || r.state === 'pruned').length,
      pending: planned.filter((p) => !finishedKeys.has(unitKey(p))).length,
    },
    search,
    validated,
    optimism: opt,
    precision: 'precision' in f.params || 'precision' in runParams ? { search: String(f.params.precision ?? '?'), validated: String(runParams.precision ?? '?') } : null,
  };
}

/** Validated order: by the ranking objective's mean, or with several objectives and none named, by knee. */
function validatedOrder(rows: FinalistJson[], objectives: readonly Objective[], spec: FinalistsSpec, primary: Objective): FinalistJson[] {
  if (objectives.length > 1 && spec.objective === null && rows.every((r) => objectives.every((o) => r.validated[o.metric]))) {
    const d = kneeDistances(rows.map((r) => objectives.map((o) => r.validated[o.metric]!.mean)), objectives);
    return rows.map((r, i) => ({ r, d: d[i]! })).sort((a, b) => a.d - b.d || a.r.search_rank - b.r.search_rank).map((x) => x.r);
  }
  const sign = primary.direction === 'maximize' ? -1 : 1;
  return [...rows].sort((a, b) => sign * (a.validated[primary.metric]!.mean - b.validated[primary.metric]!.mean) || a.search_rank - b.search_rank);
}

function unitValues(runs: readonly FinalistRunResult[], parent: number, metric: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of runs) {
    const v = r.values[metric] ?? r.metrics[metric];
    if (r.parentNumber === parent && r.state === 'complete' && Number.isFinite(v) && !out.has(unitKey(r))) out.set(unitKey(r), v!);
  }
  return out;
}

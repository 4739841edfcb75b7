// The per-problem tables of the real-training benchmark: the summary the issue's targets are read from
// (mean ± SE over seeds, cost to reach Optuna's best and its ratio to Optuna's), and how often each
// method's best configuration sits at a bound of a numeric parameter (issue 14: on the LCBench surrogate
// the GP's best sat on 5 of 7 bounds, so search quality must be checked on real training).
import { clusterOf } from './bootstrap.js';
import type { RunLog, RunSummary } from './report.js';
import { SPACE, type SpaceDef } from './space.js';

/** Epoch budgets at which the best so far is compared ("best at equal epochs" along the run, not only at its end). */
export const BEST_AT = [10, 20, 30, 40] as const;

type NumericDef = { type: 'int' | 'float'; low: number; high: number; log?: boolean };

/** Numeric parameters with more than two values: `layers` (1 or 2) is always at a bound, so it says nothing. */
function boundedOf(space: SpaceDef): [string, NumericDef][] {
  return (Object.entries(space) as [string, NumericDef | { type: 'categorical' }][]).filter(
    (e): e is [string, NumericDef] => e[1].type !== 'categorical' && !(e[1].type === 'int' && e[1].high - e[1].low < 2),
  );
}

/** "low" or "high" when the value is within 1% of the range from that bound, in the parameter's own scale (log for log ones). */
export function boundOf(name: string, value: unknown, space: SpaceDef = SPACE): 'low' | 'high' | null {
  const def = boundedOf(space).find(([n]) => n === name)?.[1];
  if (!def || typeof value !== 'number') return null;
  const t = def.log ? Math.log : (x: number): number => x;
  const u = (t(value) - t(def.low)) / (t(def.high) - t(def.low));
  return u <= 0.01 ? 'low' : u >= 0.99 ? 'high' : null;
}

export function meanSe(xs: number[]): { mean: number; se: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, se: sd / Math.sqrt(xs.length) };
}

/**
 * Per seed, the mean of `value` over that seed's runs (pooled files hold several runs of a seed, which
 * are not independent draws, bootstrap.ts); seeds without a value are left out. Standard errors are then
 * over seeds. Within one run each seed has one run, so this is the runs' values themselves.
 */
export function seedMeans(rows: readonly RunSummary[], value: (s: RunSummary) => number | undefined): number[] {
  return [...seedMeanMap(rows, value).values()];
}

/** seedMeans keyed by seed (clusterOf), so two methods' per-seed means can be paired. */
export function seedMeanMap(rows: readonly RunSummary[], value: (s: RunSummary) => number | undefined): Map<number, number> {
  const by = new Map<number, number[]>();
  for (const s of rows) {
    const v = value(s);
    if (v === undefined) continue;
    const list = by.get(clusterOf(s.seed)) ?? [];
    list.push(v);
    by.set(clusterOf(s.seed), list);
  }
  return new Map([...by].map(([seed, xs]) => [seed, xs.reduce((a, b) => a + b, 0) / xs.length]));
}

const pct = (xs: number[]): string => {
  const { mean, se } = meanSe(xs);
  return `${(100 * mean).toFixed(2)} ± ${(100 * se).toFixed(2)}%`;
};

export type Cost = 'epochs' | 'joules' | 'processSeconds';

/** What a run spent to reach the target; a run that never reached it counts its whole spend, a lower bound. */
export function spentToTarget(s: RunSummary, k: Cost): number {
  return s.toTarget ? s.toTarget[k] : s[k];
}

/** Mean ± SE of the best so far after 10, 20, 30 and 40 epochs and at the budget, per method (runs that have the figure). */
export function bestAtTable(rows: readonly RunSummary[]): string[] {
  const methods = [...new Set(rows.map((s) => s.method))];
  const lines = [
    `Best validation accuracy among the first n epochs trained (mean ± SE over seeds; a seed's pooled runs averaged first):`,
    '',
    `| method | ${BEST_AT.map((n) => `${n} epochs`).join(' | ')} | the budget |`,
    `|---|${BEST_AT.map(() => '---|').join('')}---|`,
  ];
  for (const m of methods) {
    const mine = rows.filter((s) => s.method === m);
    const at = (n: number): string => {
      const xs = seedMeans(mine, (s) => s.bestAt?.[String(n)]);
      return xs.length ? pct(xs) : '–';
    };
    lines.push(`| ${m} | ${BEST_AT.map(at).join(' | ')} | ${pct(seedMeans(mine, (s) => s.best))} |`);
  }
  return lines;
}

export function summaryTable(rows: RunSummary[], reference: string): string[] {
  const methods = [...new Set(rows.map((s) => s.method))];
  const lines = [
    '| method | best val_accuracy (mean ± SE) | held-out test accuracy (mean ± SE) | seeds reaching target | epochs to target | J to target | process-s to target | epochs / J / process-s, every seed |',
    '|---|---|---|---|---|---|---|---|',
  ];
  // `every`: a seed that never reached the target counts what its whole run spent (spentToTarget); without
  // it, only the seeds that got there, where a method that misses its hard seeds looks cheaper for it.
  const meanCost = (m: string, k: Cost, every = false): number | null => {
    const spent = rows.filter((s) => s.method === m && (every || s.toTarget)).map((s) => spentToTarget(s, k));
    return spent.length ? spent.reduce((a, b) => a + b, 0) / spent.length : null;
  };
  // Small figures (breast_cancer's process-seconds) keep a decimal, so their ratio can be read.
  const fmt = (v: number): string => v.toFixed(Math.abs(v) < 10 ? 1 : 0);
  const cell = (m: string, k: Cost, every = false): string => {
    const v = meanCost(m, k, every);
    const ref = meanCost(reference, k, every);
    if (v === null) return '–';
    return ref === null || m === reference ? fmt(v) : `${fmt(v)} (${(v / ref).toFixed(2)}×)`;
  };
  for (const m of methods) {
    const mine = rows.filter((s) => s.method === m);
    const tests = mine.flatMap((s) => (s.test === undefined ? [] : [s.test]));
    lines.push(
      `| ${m} | ${pct(mine.map((s) => s.best))} | ${tests.length ? pct(tests) : '–'} | ${mine.filter((s) => s.toTarget).length}/${mine.length} | ` +
        `${cell(m, 'epochs')} | ${cell(m, 'joules')} | ${cell(m, 'processSeconds')} | ` +
        `${cell(m, 'epochs', true)} / ${cell(m, 'joules', true)} / ${cell(m, 'processSeconds', true)} |`,
    );
  }
  return lines;
}

export function boundaryTable(rows: RunSummary[], space: SpaceDef = SPACE): string[] {
  const BOUNDED = boundedOf(space);
  const lines = [
    `| method | ${BOUNDED.map(([n]) => n).join(' | ')} | seeds with any bound | bounds per best configuration | held-out test: with a bound / without |`,
    `|---|${BOUNDED.map(() => '---|').join('')}---|---|---|`,
  ];
  for (const m of [...new Set(rows.map((s) => s.method))]) {
    const mine = rows.filter((s) => s.method === m && s.chosen);
    const per = mine.map((s) => BOUNDED.map(([n]) => boundOf(n, s.chosen!.params[n], space)));
    const cells = BOUNDED.map((_, j) => {
      const low = per.filter((b) => b[j] === 'low').length;
      const high = per.filter((b) => b[j] === 'high').length;
      return low + high === 0 ? `0/${mine.length}` : `${low + high}/${mine.length} (${[low ? `${low} low` : '', high ? `${high} high` : ''].filter(Boolean).join(', ')})`;
    });
    const counts = per.map((b) => b.filter(Boolean).length);
    // Whether edge-seeking costs anything on unseen data (issue 14): the held-out means split by it.
    const tests = (atBound: boolean): string => {
      const xs = mine.flatMap((s, i) => ((counts[i]! > 0) === atBound && s.test !== undefined ? [s.test] : []));
      return xs.length ? `${(100 * meanSe(xs).mean).toFixed(2)}% (${xs.length})` : '–';
    };
    lines.push(
      `| ${m} | ${cells.join(' | ')} | ${counts.filter((c) => c > 0).length}/${mine.length} | ${(counts.reduce((a, b) => a + b, 0) / Math.max(1, mine.length)).toFixed(1)} of ${BOUNDED.length} | ` +
        `${tests(true)} / ${tests(false)} |`,
    );
  }
  return lines;
}

/**
 * Where the search went, not only where it ended: per method, the share of all its trials (every seed) with
 * a numeric parameter at a bound, and the bounds per trial. A model that chases a corner of the cheap rung's
 * landscape (at 1 epoch the largest learning rate and the smallest batch learn fastest) shows here even when
 * its best configuration ends inside.
 */
export function trialBoundaryTable(runs: readonly RunLog[], space: SpaceDef = SPACE): string[] {
  const BOUNDED = boundedOf(space);
  const lines = ['| method | trials | trials with a parameter at a bound | bounds per trial |', '|---|---|---|---|'];
  for (const m of [...new Set(runs.map((r) => r.method))]) {
    const counts = runs
      .filter((r) => r.method === m)
      .flatMap((r) => r.processes.filter((p) => p.params).map((p) => BOUNDED.filter(([n]) => boundOf(n, p.params![n], space) !== null).length));
    if (counts.length === 0) continue;
    const any = counts.filter((c) => c > 0).length;
    lines.push(`| ${m} | ${counts.length} | ${((100 * any) / counts.length).toFixed(0)}% | ${(counts.reduce((a, b) => a + b, 0) / counts.length).toFixed(2)} of ${BOUNDED.length} |`);
  }
  return lines;
}

// `npm run bench -- --only realtrain-intervals --files bench/results/A.json,B.json [--pool true]`: the
// every-seed ratios of earlier real-training results with their bootstrap intervals (intervals.ts), per
// problem, read from the JSON each run wrote; nothing is trained. `--pool true` pools each problem over the
// files: every (run, seed) is one pair of a method and the reference that ran beside it, so runs of the
// same command add evidence instead of being read one by one. Where a file holds its runs' logs, the
// costs are computed again from them with today's definition (report.ts `summarize`), keeping each run's
// held-out score; read alone, a file's summary table is printed too, and where its trials went (how many
// sat at a bound of the space). Files with run logs also give the targets read on the means (share.ts).
import path from 'node:path';
import { POOL_STRIDE } from './bootstrap.js';
import { intervalTable } from './intervals.js';
import { arg } from './args.js';
import { SHARE, shareIndex, shareTable } from './share.js';
import { summarize, type RunLog, type RunSummary } from './report.js';
import { bestAtTable, meanSe, seedMeanMap, seedMeans, summaryTable, trialBoundaryTable } from './summary.js';
import { problemSpace } from './problems.js';
import { replayFateLine, replayFates, type ReplayFate } from './replays.js';
import { readResultFile, type ResultProblem } from './result-file.js';

/** The file's summaries, recomputed from its run logs where it has them. */
function summariesOf(problem: ResultProblem): RunSummary[] {
  const { runs, targets } = problem;
  if (!runs || !targets) return problem.summaries ?? [];
  return (problem.summaries ?? []).map((s) => {
    const run = runs.find((r) => r.method === s.method && r.seed === s.seed);
    const target = targets[String(s.seed)];
    return run && target !== undefined ? { ...summarize(run, target), chosen: s.chosen, test: s.test } : s;
  });
}

function main(): void {
  const files = (arg('files') ?? '').split(',').filter((f) => f !== '');
  if (files.length === 0) throw new Error('--files: give one or more realtrain result files (bench/results/*-realtrain-*.json), comma-separated');
  const pool = arg('pool') === 'true';
  const REFERENCE = arg('reference') ?? 'optuna-tpe-hyperband';
  const share = Number(arg('share') ?? SHARE);
  shareIndex(share);
  let withReference = 0;
  const root = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
  const pooled = new Map<string, RunSummary[]>();
  const pooledRuns = new Map<string, RunLog[]>();
  /** Transfer files: each warm method's replays and those stopped before the top, summed over the files. */
  const pooledFates = new Map<string, Map<string, ReplayFate>>();
  const pooledTop = new Map<string, number>();
  const topOf = (problem: ResultProblem): number => problem.settings?.maxEpochs ?? 9;
  const fatesOf = (problem: ResultProblem): Map<string, ReplayFate> | null =>
    Array.isArray(problem.rows) && problem.runs ? replayFates(problem.runs, REFERENCE, topOf(problem)) : null;
  files.forEach((file, f) => {
    const data = readResultFile(root, file);
    for (const problem of data.problems) {
      const hasReference = (problem.summaries ?? problem.runs ?? []).some((s) => s.method === REFERENCE);
      if (!hasReference) continue;
      withReference++;
      const summaries = summariesOf(problem);
      if (pool) {
        // A problem tuned on other rows (torch_digits with and without its held-out part) is pooled apart.
        const tune = problem.rows && !Array.isArray(problem.rows) ? problem.rows.tune : undefined;
        const key = tune === undefined ? problem.problem : `${problem.problem} (${tune} rows to tune on)`;
        // Seeds renumbered per file: a method pairs only with the reference of its own run.
        const list = pooled.get(key) ?? [];
        list.push(...summaries.map((s) => ({ ...s, seed: f * POOL_STRIDE + s.seed })));
        pooled.set(key, list);
        const runs = pooledRuns.get(key) ?? [];
        runs.push(...(problem.runs ?? []).map((r) => ({ ...r, seed: f * POOL_STRIDE + r.seed })));
        pooledRuns.set(key, runs);
        const fates = fatesOf(problem);
        if (fates) pooledFates.set(key, addFates(pooledFates.get(key) ?? new Map(), fates));
        if (fates) pooledTop.set(key, topOf(problem));
        continue;
      }
      console.log(`## ${path.basename(file)}: ${problem.problem}\n`);
      if (!problem.summaries) {
        console.log(shareTable(problem.runs ?? [], REFERENCE, share).join('\n') + '\n');
        const fates = fatesOf(problem);
        if (fates) console.log(replayFateLine(fates, topOf(problem)) + '\n');
        continue;
      }
      console.log(summaryTable(summaries, REFERENCE).join('\n') + '\n');
      console.log(bestAtTable(summaries).join('\n') + '\n');
      console.log(intervalTable(summaries, REFERENCE).join('\n') + '\n');
      if (problem.runs) console.log(trialBoundaryTable(problem.runs, problemSpace(problem.problem)).join('\n') + '\n');
      if (problem.runs) console.log(shareTable(problem.runs, REFERENCE, share).join('\n') + '\n');
    }
  });
  if (withReference === 0) throw new Error(`--reference ${REFERENCE}: no problem in these files has runs of it; name a method the files ran (realtrain: optuna-tpe-hyperband, transfer: nightshift-gp-asha-stop)`);
  for (const [problem, rows] of pooled) {
    const logs = pooledRuns.get(problem) ?? [];
    if (rows.length === 0) {
      console.log(`## ${problem}, pooled over ${files.length} files\n\n${shareTable(logs, REFERENCE, share).join('\n')}\n`);
      const fates = pooledFates.get(problem);
      if (fates) console.log(replayFateLine(fates, pooledTop.get(problem)!) + '\n');
      continue;
    }
    const runs = (m: string): number => rows.filter((s) => s.method === m).length;
    console.log(`## ${problem}, pooled over ${files.length} files (${runs(REFERENCE)} runs of ${REFERENCE})\n`);
    const methods = [...new Set(rows.map((s) => s.method))].filter((m) => m !== REFERENCE);
    const pct = (xs: number[]): string => {
      const { mean, se } = meanSe(xs);
      return xs.length ? `${(100 * mean).toFixed(2)} ± ${(100 * se).toFixed(2)}%` : '–';
    };
    // Each seed's runs averaged first, then mean ± SE over seeds (summary.ts seedMeans); the held-out
    // difference pairs each seed's mean with the reference's mean on that seed.
    const refTest = seedMeanMap(rows.filter((s) => s.method === REFERENCE), (s) => s.test);
    const lines = [
      `| method | (run, seed) pairs | seeds | best val_accuracy at the epoch budget (mean ± SE over seeds) | held-out test accuracy (mean ± SE over seeds) | held-out minus ${REFERENCE}'s, points (mean ± SE over seeds) |`,
      '|---|---|---|---|---|---|',
    ];
    for (const m of [REFERENCE, ...methods]) {
      const mine = rows.filter((s) => s.method === m);
      const best = seedMeans(mine, (s) => s.best);
      const diffs = [...seedMeanMap(mine, (s) => s.test)].flatMap(([seed, t]) => (refTest.has(seed) ? [t - refTest.get(seed)!] : []));
      const d = meanSe(diffs);
      const diffCell = m === REFERENCE || diffs.length === 0 ? '–' : `${d.mean >= 0 ? '+' : ''}${(100 * d.mean).toFixed(2)} ± ${(100 * d.se).toFixed(2)} (${diffs.length})`;
      lines.push(`| ${m} | ${mine.length} | ${best.length} | ${pct(best)} | ${pct(seedMeans(mine, (s) => s.test))} | ${diffCell} |`);
    }
    console.log(lines.join('\n') + '\n');
    console.log(bestAtTable(rows).join('\n') + '\n');
    console.log(intervalTable(rows, REFERENCE).join('\n') + '\n');
    // Only the files that kept their run logs can say what a method had at a share of the reference's spend.
    if (logs.length) console.log(`From the ${new Set(logs.map((r) => Math.floor(r.seed / POOL_STRIDE))).size} files with run logs:\n\n${shareTable(logs, REFERENCE, share).join('\n')}\n`);
  }
}

try {
  main();
} catch (e) {
  console.error(`realtrain-intervals: ${(e as Error).message}`);
  process.exit(2);
}

/** `into` with `more`'s counts added, method by method. */
function addFates(into: Map<string, ReplayFate>, more: ReadonlyMap<string, ReplayFate>): Map<string, ReplayFate> {
  for (const [m, f] of more) {
    const t = into.get(m) ?? { replays: 0, stopped: 0, runs: 0, bestStopped: 0, bestMissing: 0 };
    into.set(m, { replays: t.replays + f.replays, stopped: t.stopped + f.stopped, runs: t.runs + f.runs, bestStopped: t.bestStopped + f.bestStopped, bestMissing: t.bestMissing + f.bestMissing });
  }
  return into;
}

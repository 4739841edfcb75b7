// `npm run bench -- --only realtrain-intervals --files bench/results/A.json,B.json [--pool true]`: the
// every-seed ratios of earlier real-training results with their bootstrap intervals (intervals.ts), per
// problem, read from the JSON each run wrote; nothing is trained. `--pool true` pools each problem over the
// files: every (run, seed) is one pair of a method and the reference that ran beside it, so runs of the
// same command add evidence instead of being read one by one. Where a file holds its runs' logs, the
// costs are computed again from them with today's definition (report.ts `summarize`), keeping each run's
// held-out score; read alone, a file's summary table is printed too, and where its trials went (how many
// sat at a bound of the space).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { intervalTable } from './intervals.js';
import { summarize, type RunLog, type RunSummary } from './report.js';
import { bestAtTable, meanSe, summaryTable, trialBoundaryTable } from './summary.js';
import { problemSpace } from './problems.js';

const REFERENCE = 'optuna-tpe-hyperband';

interface ResultFile {
  problems: { problem: string; summaries: RunSummary[]; runs?: RunLog[]; targets?: Record<string, number> }[];
}

/** The file's summaries, recomputed from its run logs where it has them. */
function summariesOf(problem: ResultFile['problems'][number]): RunSummary[] {
  const { runs, targets } = problem;
  if (!runs || !targets) return problem.summaries;
  return problem.summaries.map((s) => {
    const run = runs.find((r) => r.method === s.method && r.seed === s.seed);
    const target = targets[String(s.seed)];
    return run && target !== undefined ? { ...summarize(run, target), chosen: s.chosen, test: s.test } : s;
  });
}

function main(): void {
  const i = process.argv.indexOf('--files');
  const files = i >= 0 ? (process.argv[i + 1] ?? '').split(',').filter((f) => f !== '') : [];
  if (files.length === 0) throw new Error('--files: give one or more realtrain result files (bench/results/*-realtrain-*.json), comma-separated');
  const p = process.argv.indexOf('--pool');
  const pool = p >= 0 && process.argv[p + 1] === 'true';
  const root = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
  const pooled = new Map<string, RunSummary[]>();
  files.forEach((file, f) => {
    const data = JSON.parse(readFileSync(path.resolve(root, file), 'utf8')) as ResultFile;
    if (!Array.isArray(data.problems)) throw new Error(`${file}: not a realtrain result file (no "problems" list)`);
    for (const problem of data.problems) {
      if (!problem.summaries.some((s) => s.method === REFERENCE)) continue;
      const summaries = summariesOf(problem);
      if (pool) {
        // Seeds renumbered per file: a method pairs only with the reference of its own run.
        const list = pooled.get(problem.problem) ?? [];
        list.push(...summaries.map((s) => ({ ...s, seed: f * 10_000 + s.seed })));
        pooled.set(problem.problem, list);
        continue;
      }
      console.log(`## ${path.basename(file)}: ${problem.problem}\n`);
      console.log(summaryTable(summaries, REFERENCE).join('\n') + '\n');
      console.log(bestAtTable(summaries).join('\n') + '\n');
      console.log(intervalTable(summaries, REFERENCE).join('\n') + '\n');
      if (problem.runs) console.log(trialBoundaryTable(problem.runs, problemSpace(problem.problem)).join('\n') + '\n');
    }
  });
  for (const [problem, rows] of pooled) {
    const runs = (m: string): number => rows.filter((s) => s.method === m).length;
    console.log(`## ${problem}, pooled over ${files.length} files (${runs(REFERENCE)} runs of ${REFERENCE})\n`);
    const methods = [...new Set(rows.map((s) => s.method))].filter((m) => m !== REFERENCE);
    const pct = (xs: number[]): string => {
      const { mean, se } = meanSe(xs);
      return xs.length ? `${(100 * mean).toFixed(2)} ± ${(100 * se).toFixed(2)}%` : '–';
    };
    const lines = ['| method | (run, seed) pairs | best val_accuracy at the epoch budget (mean ± SE) | held-out test accuracy (mean ± SE) |', '|---|---|---|---|'];
    for (const m of [REFERENCE, ...methods]) {
      const mine = rows.filter((s) => s.method === m);
      lines.push(`| ${m} | ${mine.length} | ${pct(mine.map((s) => s.best))} | ${pct(mine.flatMap((s) => (s.test === undefined ? [] : [s.test])))} |`);
    }
    console.log(lines.join('\n') + '\n');
    console.log(bestAtTable(rows).join('\n') + '\n');
    console.log(intervalTable(rows, REFERENCE).join('\n') + '\n');
  }
}

try {
  main();
} catch (e) {
  console.error(`realtrain-intervals: ${(e as Error).message}`);
  process.exit(2);
}

// Why does GP+curve end lower than GP+ASHA? (issue 14.) Runs GP+curve on one LCBench task and seed and, for
// every trial the curve scheduler stopped, sets the prediction it stopped on beside the value the surrogate
// says the trial would have reached at epoch 52: the prediction error, how often the true final lay above the
// 90% band, and how many stopped trials would have beaten the best completed trial at the time (wrong stops)
// or the run's final best. Writes the trials (parameters, whole curves) to JSON for offline replay.
//   npm run bench -- --only curve-diagnose --task 167168 --seed 0 [--data DIR] [--out FILE]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TrialView } from '../../src/main/engine/samplers/types.js';
import { CurveScheduler } from '../../src/main/engine/schedulers/curve.js';
import { EPOCH_BUDGET } from './space.js';
import { runStopping } from './stopping.js';
import { LcbenchSurrogate, MAX_EPOCH } from './surrogate.js';

interface Row {
  number: number;
  stoppedAt: number | null;
  bestAtStop: number | null;
  /** The ensemble's raw extrapolation, and the calibrated predictive the scheduler stopped on. */
  raw: { mean: number; lo: number; hi: number } | null;
  predicted: { mean: number; lo: number; hi: number } | null;
  actualFinal: number;
  curve: number[];
}

const ROOT = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
const arg = (flag: string, fallback: string): string => {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};

async function main(): Promise<void> {
  const task = arg('--task', '167168');
  const seed = Number(arg('--seed', '0'));
  const data = path.resolve(arg('--data', path.join(ROOT, '../shared/bench-data')));
  const out = arg('--out', path.join(ROOT, `out/curve-diagnose-${task}-${seed}.json`));
  const surrogate = await LcbenchSurrogate.load(data);
  const judge = new CurveScheduler();
  const rows: Row[] = [];
  const observe = (trial: TrialView, trials: readonly TrialView[], curve: Float64Array, stoppedAt: number | null): void => {
    const finals = trials.filter((t) => t.state === 'complete' && t.number !== trial.number).map((t) => t.values!['val_accuracy']!);
    const p = stoppedAt === null ? null : judge.predict(trial, stoppedAt, MAX_EPOCH);
    const c = stoppedAt === null ? null : judge.predictFinal({ objectives: [{ metric: 'val_accuracy', direction: 'maximize' }], trials }, trial.number);
    rows.push({
      number: trial.number,
      stoppedAt,
      bestAtStop: finals.length ? Math.max(...finals) : null,
      raw: p && { mean: p.mean, lo: p.lo, hi: p.hi },
      predicted: c && { mean: c.mean, lo: c.lo, hi: c.hi },
      actualFinal: curve[MAX_EPOCH - 1]!,
      curve: [...curve],
    });
  };
  const gp = { candidates: 256, local_searches: 2, max_train: 96, max_fit: 48 };
  const r = await runStopping('nightshift-gp-curve', task, seed, surrogate, EPOCH_BUDGET, gp, observe);
  const runBest = r.trajectory.at(-1)?.[1] ?? NaN;
  const stopped = rows.filter((x) => x.stoppedAt !== null && x.predicted);
  const err = stopped.map((x) => x.predicted!.mean - x.actualFinal);
  const rawErr = stopped.map((x) => x.raw!.mean - x.actualFinal);
  const rawAbove = stopped.filter((x) => x.actualFinal > x.raw!.hi).length;
  const above = stopped.filter((x) => x.actualFinal > x.predicted!.hi).length;
  const below = stopped.filter((x) => x.actualFinal < x.predicted!.lo).length;
  const wrong = stopped.filter((x) => x.bestAtStop !== null && x.actualFinal > x.bestAtStop);
  const beatRun = stopped.filter((x) => x.actualFinal > runBest);
  const byStop = new Map<number, number>();
  for (const x of stopped) byStop.set(x.stoppedAt!, (byStop.get(x.stoppedAt!) ?? 0) + 1);
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  console.log(`task ${task} seed ${seed}: best ${runBest.toFixed(2)}, ${rows.length} trials, ${stopped.length} stopped`);
  console.log(`raw ensemble: prediction - actual final ${mean(rawErr).toFixed(2)}, actual above its 90% band ${((100 * rawAbove) / stopped.length).toFixed(0)}%`);
  console.log(`calibrated prediction - actual final: mean ${mean(err).toFixed(2)}, mean |err| ${mean(err.map(Math.abs)).toFixed(2)} (points of val_accuracy)`);
  console.log(`actual final above the calibrated 90% band: ${above} (${((100 * above) / stopped.length).toFixed(0)}%), below: ${below}`);
  console.log(`stopped but would have beaten the best completed at the time: ${wrong.length}; would have beaten the run's final best: ${beatRun.length}`);
  for (const x of wrong.slice(0, 15)) {
    console.log(`  #${x.number} stopped at ${x.stoppedAt}: predicted ${x.predicted!.mean.toFixed(2)} [${x.predicted!.lo.toFixed(2)}, ${x.predicted!.hi.toFixed(2)}], best then ${x.bestAtStop!.toFixed(2)}, actual ${x.actualFinal.toFixed(2)}`);
  }
  console.log(`stops by epoch: ${[...byStop].sort((a, b) => a[0] - b[0]).map(([e, n]) => `${e}:${n}`).join(' ')}`);
  writeFileSync(out, JSON.stringify({ task, seed, runBest, rows }) + '\n');
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});

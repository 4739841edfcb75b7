// `npm run bench -- --only transfer [--seeds N] [--pairs 167168:189873,...] [--variants prior,replay,judged]
// [--workers N]`: issue 14, transfer from past studies. Nightshift GP+ASHA on an LCBench task started cold,
// against the same started from a related earlier study: another named LCBench task, run cold with the same
// seed (its GP+ASHA run is the earlier study). `prior`: warm_start's default with the GP sampler (the
// earlier study's best 5 configurations replayed first, each trained the full budget, and its finished
// trials as the GP's prior, samplers/gp/transfer.ts); `replay`: warm_start with prior: false (the replay
// alone); `judged`: the default with early_stop: true (replays start at the first rung and ASHA judges
// them, as every warm start did before 2026-12-01). Reported: the epochs each needs to reach the cold
// start's final best, on the same seed, and how many of the 7 parameters of each run's final best sit at a
// bound of the space (the surrogate's corners, issue 14). `--runs FILE-runs.json` trains nothing: it
// summarises a run's saved runs again with today's table, into that run's .md and .json.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Params } from '../../src/shared/types.js';
import type { GpTrial } from '../../src/main/engine/samplers/gp/suggest.js';
import { SearchSpace } from '../../src/main/engine/study/space.js';
import { runNightshift, type RunResult, type WarmStart } from './nightshift.js';
import type { SpaceDef } from '../realtrain/space.js';
import { readJsonFile } from '../realtrain/result-file.js';
import { boundOf } from '../realtrain/summary.js';
import { machineLine } from './report.js';
import { EPOCH_BUDGET, LCBENCH_SPACE, TASKS } from './space.js';
import { LcbenchSurrogate } from './surrogate.js';

const ROOT = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
/** As the LCBench suite's GP+ASHA (bench/lcbench/main.ts GP_OPTIONS), so the cold runs are that method. */
const GP_OPTIONS = { candidates: 256, local_searches: 2, max_train: 96, max_fit: 48 };
const VARIANTS = ['prior', 'replay', 'judged'] as const;
type Variant = 'cold' | (typeof VARIANTS)[number];
/** warm_start's default `top`. */
const REPLAY = 5;

interface Job {
  task: string;
  epochs: number;
  seed: number;
  variant: Variant;
  /** The earlier study's task and its trials (warm variants). */
  source?: { task: string; trials: GpTrial[] };
}
type JobResult = Omit<Job, 'source'> & { sourceTask: string | null } & RunResult & { wallSeconds: number; sourceTrials?: GpTrial[] };

function parseArgs(argv: string[]) {
  const a = { seeds: 3, pairs: TASKS.map((t, i) => [TASKS[(i + TASKS.length - 1) % TASKS.length]!, t] as [string, string]), variants: [...VARIANTS] as Variant[], workers: 2, epochs: EPOCH_BUDGET, data: path.resolve(ROOT, '../shared/bench-data'), out: path.join(ROOT, 'bench/results'), runs: null as string | null };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--seeds') a.seeds = Number(value);
    else if (flag === '--pairs') a.pairs = value.split(',').map((p) => p.split(':') as [string, string]);
    else if (flag === '--variants') a.variants = value.split(',') as Variant[];
    else if (flag === '--workers') a.workers = Number(value);
    else if (flag === '--epochs') a.epochs = Number(value);
    else if (flag === '--data') a.data = path.resolve(value);
    else if (flag === '--out') a.out = path.resolve(value);
    else if (flag === '--runs') a.runs = path.resolve(value);
    else throw new Error(`unknown flag ${flag}; use --seeds N --pairs source:target,... --variants prior,replay,judged --workers N --epochs N --data DIR --out DIR --runs FILE-runs.json`);
  }
  for (const [s, t] of a.pairs) if (!TASKS.includes(s) || !TASKS.includes(t) || s === t) throw new Error(`pair ${s}:${t}: both must be named tasks (${TASKS.join(', ')}), and differ`);
  for (const v of a.variants) if (!(VARIANTS as readonly string[]).includes(v)) throw new Error(`unknown variant ${v}; variants: ${VARIANTS.join(', ')}`);
  if (!(a.seeds >= 1) || !(a.workers >= 1)) throw new Error('--seeds and --workers must be >= 1');
  return a;
}

/** The earlier study's best distinct configurations, as warm-start.ts ranks them (by value, then number). */
function bestConfigs(trials: readonly GpTrial[], k: number): Params[] {
  const space = new SearchSpace(LCBENCH_SPACE);
  const ranked = [...trials].sort((a, b) => b.values!.val_accuracy! - a.values!.val_accuracy! || a.number - b.number);
  const seen = new Set<string>();
  const out: Params[] = [];
  for (const t of ranked) {
    const key = space.key(t.params);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t.params);
    if (out.length === k) break;
  }
  return out;
}

async function worker(): Promise<void> {
  let surrogate: LcbenchSurrogate | null = null;
  process.on('message', (msg: { job?: Job; data: string; exit?: boolean }) => {
    if (msg.exit) process.exit(0);
    const job = msg.job!;
    void (async () => {
      surrogate ??= await LcbenchSurrogate.load(msg.data);
      const t0 = performance.now();
      const warm: WarmStart | null = job.source ? { replay: bestConfigs(job.source.trials, REPLAY), prior: job.variant === 'replay' ? null : { trials: job.source.trials }, judged: job.variant === 'judged' } : null;
      const r = await runNightshift('nightshift-gp-asha', job.task, job.seed, surrogate, job.epochs, GP_OPTIONS, warm, job.variant === 'cold');
      // Plain data for the parent (a TrialView's Map does not survive IPC).
      const sourceTrials = r.views?.map(({ number, state, params, values, budget }) => ({ number, state, params, values, budget, metrics: {} }));
      const { views: _views, ...result } = r;
      const reply: JobResult = { task: job.task, epochs: job.epochs, seed: job.seed, variant: job.variant, sourceTask: job.source?.task ?? null, ...result, wallSeconds: (performance.now() - t0) / 1000, ...(sourceTrials ? { sourceTrials } : {}) };
      process.send!(reply);
    })().catch((e: unknown) => process.send!({ ...job, source: undefined, error: e instanceof Error ? e.stack : String(e) }));
  });
}

/** Runs the jobs on `workers` child processes; resolves with their results in completion order. */
async function runJobs(jobs: Job[], workers: number, data: string, log: (r: JobResult) => void): Promise<JobResult[]> {
  const results: JobResult[] = [];
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.min(workers, jobs.length) }, async () => {
      const child: ChildProcess = fork(process.argv[1]!, ['--worker'], { env: { ...process.env, NIGHTSHIFT_ROOT: ROOT } });
      try {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const r = await new Promise<JobResult & { error?: string }>((resolve, reject) => {
            child.once('message', (m) => resolve(m as JobResult & { error?: string }));
            child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
            child.send({ job, data });
          });
          child.removeAllListeners('exit');
          if (r.error) throw new Error(`${job.variant} on ${job.task}, seed ${job.seed}: ${r.error}`);
          results.push(r);
          log(r);
        }
      } finally {
        child.send({ exit: true });
      }
    }),
  );
  return results;
}

/** The first epoch count at which the run's best reached `value` (null: never). */
function epochsToReach(trajectory: readonly [number, number][], value: number): number | null {
  return trajectory.find(([, best]) => best >= value)?.[0] ?? null;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** The cold run of `task` with `seed`: a target's baseline, and a source's earlier study. */
const coldOf = (cold: readonly JobResult[], task: string, seed: number): JobResult => cold.find((r) => r.task === task && r.seed === seed)!;

/** LCBench's space as realtrain's bound rule reads it (all 7 parameters are numeric). */
const NUMERIC: SpaceDef = Object.fromEntries(Object.entries(LCBENCH_SPACE).flatMap(([k, d]) => (d.type === 'float' || d.type === 'int' ? [[k, { type: d.type, low: d.low, high: d.high, log: d.log }]] : [])));

/** How many parameters of a run's final best sit at a bound (within 1% of the range, realtrain's rule). */
function atBounds(r: JobResult): number {
  return r.best ? Object.entries(r.best.params).filter(([name, v]) => boundOf(name, v, NUMERIC) !== null).length : NaN;
}

/** A run's saved runs (`--runs`), with what its summary said of the run itself when that file is there. */
function savedRuns(file: string): { cold: JobResult[]; warm: JobResult[]; base: string; date: string; machine: string; load: number[]; minutes: number } {
  if (!file.endsWith('-runs.json')) throw new Error(`--runs ${file}: give a transfer run's saved runs (bench/results/transfer-*-runs.json)`);
  const runs = readJsonFile(ROOT, file) as JobResult[];
  if (!Array.isArray(runs)) throw new Error(`--runs ${file}: not a list of runs`);
  const base = file.slice(0, -'-runs.json'.length);
  const summary = existsSync(`${base}.json`) ? (readJsonFile(ROOT, `${base}.json`) as { date: string; machine: string; load: number[]; minutes: number }) : null;
  return { cold: runs.filter((r) => r.variant === 'cold'), warm: runs.filter((r) => r.variant !== 'cold'), base, date: summary?.date ?? path.basename(base).replace(/^transfer-/, ''), machine: summary?.machine ?? 'unknown (no summary beside the runs)', load: summary?.load ?? [NaN], minutes: summary?.minutes ?? NaN };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.runs) {
    const saved = savedRuns(args.runs);
    const seeds = [...new Set(saved.cold.map((r) => r.seed))].sort((a, b) => a - b);
    const pairs = [...new Map(saved.warm.map((r) => [`${r.sourceTask}:${r.task}`, [r.sourceTask!, r.task] as [string, string]])).values()];
    const variants = [...new Set(saved.warm.map((r) => r.variant))];
    const epochs = saved.cold[0]?.epochs ?? args.epochs;
    return summarise({ ...args, pairs, variants, epochs }, seeds, saved.cold, saved.warm, saved);
  }
  const started = Date.now();
  const load = [os.loadavg()[0]!];
  const log = (r: JobResult): void => {
    load.push(os.loadavg()[0]!);
    const final = r.trajectory.at(-1)?.[1] ?? NaN;
    console.log(`${r.sourceTask ? `${r.sourceTask}->` : ''}${r.task} ${r.variant.padEnd(6)} seed ${r.seed}: best ${final.toFixed(2)}% after ${r.trajectory.at(-1)?.[0]} epochs, ${r.trials} trials, ${r.wallSeconds.toFixed(1)} s, load ${os.loadavg()[0]!.toFixed(1)}`);
  };
  const tasks = [...new Set(args.pairs.flat())];
  const seeds = Array.from({ length: args.seeds }, (_, s) => s);
  // Cold runs first: each is a target's baseline and a source's earlier study.
  const cold = await runJobs(seeds.flatMap((seed) => tasks.map((task) => ({ task, epochs: args.epochs, seed, variant: 'cold' as const }))), args.workers, args.data, log);
  const warmJobs = seeds.flatMap((seed) =>
    args.pairs.flatMap(([source, task]) => args.variants.map((variant) => ({ task, epochs: args.epochs, seed, variant, source: { task: source, trials: coldOf(cold, source, seed).sourceTrials! } }))),
  );
  const warm = await runJobs(warmJobs, args.workers, args.data, log);
  mkdirSync(args.out, { recursive: true });
  const date = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const base = path.join(args.out, `transfer-${date}`);
  // The runs' raw trajectories first: a summary that fails must not lose an hour of runs.
  // Best-so-far only changes when it improves: those points (and the last) keep each curve exactly.
  const improving = (t: [number, number][]) => t.filter((p, i, all) => i === 0 || i === all.length - 1 || p[1] > all[i - 1]![1]);
  writeFileSync(`${base}-runs.json`, JSON.stringify([...cold, ...warm].map(({ sourceTrials: _t, ...r }) => ({ ...r, trajectory: improving(r.trajectory) }))) + '\n');
  summarise(args, seeds, cold, warm, { base, date, machine: machineLine(), load, minutes: (Date.now() - started) / 60000 });
}

function summarise(args: ReturnType<typeof parseArgs>, seeds: number[], cold: JobResult[], warm: JobResult[], run: { base: string; date: string; machine: string; load: number[]; minutes: number }): void {
  const { base, date, machine, load, minutes } = run;

  const rows = args.pairs.flatMap(([source, task]) =>
    args.variants.map((variant) => {
      const perSeed = seeds.map((seed) => {
        const c = coldOf(cold, task, seed);
        const w = warm.find((r) => r.task === task && r.seed === seed && r.variant === variant && r.sourceTask === source)!;
        const coldFinal = c.trajectory.at(-1)![1];
        const coldEpochs = epochsToReach(c.trajectory, coldFinal)!;
        const warmEpochs = epochsToReach(w.trajectory, coldFinal);
        return { seed, coldFinal, coldEpochs, warmEpochs, warmFinal: w.trajectory.at(-1)![1], warmDecideSeconds: w.decideSeconds, coldDecideSeconds: c.decideSeconds, coldBounds: atBounds(c), warmBounds: atBounds(w) };
      });
      const reached = perSeed.filter((s) => s.warmEpochs !== null);
      // A seed that never reaches the cold final counts with the whole budget: the mean is then a lower bound.
      const warmEpochs = mean(perSeed.map((s) => s.warmEpochs ?? args.epochs));
      const coldEpochs = mean(perSeed.map((s) => s.coldEpochs));
      return { source, task, variant, perSeed, reached: reached.length, coldFinal: mean(perSeed.map((s) => s.coldFinal)), warmFinal: mean(perSeed.map((s) => s.warmFinal)), coldEpochs, warmEpochs, ratio: warmEpochs / coldEpochs, ratioPerSeed: mean(perSeed.map((s) => (s.warmEpochs ?? args.epochs) / s.coldEpochs)), coldBounds: mean(perSeed.map((s) => s.coldBounds)), warmBounds: mean(perSeed.map((s) => s.warmBounds)) };
    }),
  );
  const md = [
    `# Transfer from a past study on the LCBench surrogate (issue 14) — ${date}`,
    '',
    `Machine: ${machine}. Load average (1 min) over the run: ${Math.min(...load).toFixed(1)} to ${Math.max(...load).toFixed(1)} (shared machine). Total ${minutes.toFixed(1)} min.`,
    '',
    `Nightshift GP+ASHA (GP options ${JSON.stringify(GP_OPTIONS)}, rungs 2, 6, 18, 52 epochs), ${args.epochs} epochs per run, seeds ${seeds.join(', ')}.`,
    'The earlier study is the cold GP+ASHA run of the source task with the same seed. prior: its best 5 configurations',
    'replayed, each trained the full budget, then the GP with its finished trials as prior (warm_start default); replay:',
    'the same replay, no prior (prior: false); judged: as prior, but the replays start at the first rung and ASHA judges',
    'them (early_stop: true). Epochs: to reach the cold run\'s final best (cold: when the cold run found it),',
    'mean over seeds; a seed that never reaches it counts the whole budget. Ratio: warm epochs / cold epochs (of the means;',
    'per seed in brackets). At a bound: of the 7 parameters of the run\'s final best configuration, how many sit within 1%',
    'of the range from a bound (mean over seeds), cold / warm: the surrogate\'s corners, where it was never trained.',
    '',
    '| source -> target | variant | cold final best | warm final best | cold epochs | warm epochs | seeds reaching | ratio (per seed) | at a bound, cold / warm |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.source} -> ${r.task} | ${r.variant} | ${r.coldFinal.toFixed(2)} | ${r.warmFinal.toFixed(2)} | ${r.coldEpochs.toFixed(0)} | ${r.warmEpochs.toFixed(0)} | ${r.reached}/${r.perSeed.length} | ${(100 * r.ratio).toFixed(0)}% (${(100 * r.ratioPerSeed).toFixed(0)}%) | ${r.coldBounds.toFixed(1)} / ${r.warmBounds.toFixed(1)} |`),
    '',
  ].join('\n');
  writeFileSync(`${base}.json`, JSON.stringify({ date, machine, load, seeds: seeds.length, epochBudget: args.epochs, gpOptions: GP_OPTIONS, minutes, rows }) + '\n');
  writeFileSync(`${base}.md`, md);
  console.log(`\nwrote ${base}.md and .json\n`);
  console.log(md);
}

if (process.argv.includes('--worker')) void worker();
else
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });

// `npm run bench -- --only realtrain [--problem digits|breast_cancer|wine|torch_digits|all] [--seeds 2] [--first-seed 0] [--epochs 60]
// [--parallel 2] [--methods a,b] [--transfer prior,judged,top1,replay,repeat,local]`: real training (issues 14, 16). Nightshift's built-in TF.js trainer on each
// problem of problems.ts, tuned by Nightshift (GP+ASHA stop, the same with the cost-aware GP or with `grace: auto`, GP+ASHA promote,
// GP+ASHA pause, GP+Hyperband stop, random+ASHA stop) and by Optuna 3.1 (TPE + Hyperband pruner, pruning in-process on the same trainer's
// per-epoch reports), each held to the same budget of newly trained epochs; then each method's chosen
// configuration is scored on a test part no trial saw (holdout.ts). `torch_digits` is the PyTorch example run
// as a command trainer by both sides (Nightshift with reuse_process: true); it scores its own held-out rows. Runs one after another, so they do not
// compete for the cores. Writes markdown and JSON to bench/results/. `--transfer`: cold against warm-started
// GP+ASHA instead (transfer.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinTrainerEntry } from '../../src/main/engine/campaign/command.js';
import { chosenConfig, commandHoldoutScorer, holdoutScorer } from './holdout.js';
import { runNightshift, type NightshiftVariant } from './nightshift.js';
import { runOptuna } from './optuna.js';
import { arg } from './args.js';
import { ALL_PROBLEMS, loadProblem } from './problems.js';
import { markdown, summarize, type RunLog, type RunSummary } from './report.js';
import { shareTable } from './share.js';
import { trialBoundaryTable } from './summary.js';
import type { Problem } from './space.js';
import { TRANSFER_VARIANTS, transferMain, type TransferVariant } from './transfer.js';

const ROOT = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
const VARIANTS: NightshiftVariant[] = [
  { label: 'gp-asha-stop', sampler: 'gp', scheduler: 'asha', mode: 'stop' },
  // EI per joule among near-best candidates (samplers/gp/cost.ts), priced from each rung's share of a trial's energy.
  { label: 'gp-asha-stop-cost', sampler: 'gp', scheduler: 'asha', mode: 'stop', samplerOptions: 'cost_aware: true' },
  // Judged first where a configuration's training has cost at least its measured start-up (schedulers/grace.ts).
  { label: 'gp-asha-stop-grace', sampler: 'gp', scheduler: 'asha', mode: 'stop', schedulerOptions: 'grace: auto' },
  // Learns from a rung with 3 results on top of the rung below (samplers/multi-fidelity.ts, Kennedy & O'Hagan 2000).
  { label: 'gp-asha-stop-stack', sampler: 'gp', scheduler: 'asha', mode: 'stop', samplerOptions: 'stack_rungs: true' },
  { label: 'gp-hyperband-stop-stack', sampler: 'gp', scheduler: 'hyperband', mode: 'stop', samplerOptions: 'stack_rungs: true' },
  // A prior mean rising towards the space's edges (samplers/gp/edge-prior.ts, Snoek et al. 2015).
  { label: 'gp-asha-stop-edge', sampler: 'gp', scheduler: 'asha', mode: 'stop', samplerOptions: 'edge_prior: true' },
  // Both: off the edges, and EI per joule among near-best candidates (the GP's rung-1 favourites are the costly configurations).
  { label: 'gp-asha-stop-edge-cost', sampler: 'gp', scheduler: 'asha', mode: 'stop', samplerOptions: 'edge_prior: true, cost_aware: true' },
  // Every rung in one GP, the budget as an input, suggestions for the top budget (samplers/gp/budget-input.ts, BOCA).
  { label: 'gp-asha-stop-joint', sampler: 'gp', scheduler: 'asha', mode: 'stop', samplerOptions: 'joint_fidelity: true' },
  { label: 'gp-hyperband-stop-joint', sampler: 'gp', scheduler: 'hyperband', mode: 'stop', samplerOptions: 'joint_fidelity: true' },
  // The objective's GP learns the values' normal scores (samplers/gp/output-warp.ts, Salinas et al. 2020).
  { label: 'gp-asha-stop-warp', sampler: 'gp', scheduler: 'asha', mode: 'stop', samplerOptions: 'output_warp: true' },
  // Kumaraswamy-warped inputs fitted with the kernel (samplers/gp/input-warp.ts, Snoek et al. 2014).
  { label: 'gp-asha-stop-iwarp', sampler: 'gp', scheduler: 'asha', mode: 'stop', samplerOptions: 'input_warp: true' },
  { label: 'gp-asha-promote', sampler: 'gp', scheduler: 'asha', mode: 'promote' },
  { label: 'gp-asha-pause', sampler: 'gp', scheduler: 'asha', mode: 'pause' },
  { label: 'gp-hyperband-stop', sampler: 'gp', scheduler: 'hyperband', mode: 'stop' },
  { label: 'gp-hyperband-promote', sampler: 'gp', scheduler: 'hyperband', mode: 'promote' },
  // A new trainer process for every trial (trainer.reuse_process: false), as before reuse was the default.
  // The sampler asked only when a slot frees, as before resources.ask_ahead (campaign/ask-ahead.ts).
  { label: 'gp-asha-stop-now', sampler: 'gp', scheduler: 'asha', mode: 'stop', askAhead: false },
  { label: 'gp-asha-stop-fresh', sampler: 'gp', scheduler: 'asha', mode: 'stop', reuseProcess: false },
  { label: 'gp-hyperband-stop-fresh', sampler: 'gp', scheduler: 'hyperband', mode: 'stop', reuseProcess: false },
  // Stopping schedulers: every configuration starts for the full 9 epochs and is judged after each one.
  { label: 'gp-curve', sampler: 'gp', scheduler: 'curve' },
  { label: 'gp-median', sampler: 'gp', scheduler: 'median' },
  { label: 'random-asha-stop', sampler: 'random', scheduler: 'asha', mode: 'stop' },
];
const OPTUNA = 'optuna-tpe-hyperband';
const METHODS = [OPTUNA, ...VARIANTS.map((v) => `nightshift-${v.label}`)];

async function main(): Promise<void> {
  const seeds = Number(arg('seeds') ?? 2);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds: give a whole number ≥ 1, got "${arg('seeds')}"`);
  // Seeds first-seed .. first-seed + seeds - 1: new seeds for a pool, whose runs of one seed are not independent (bootstrap.ts).
  const firstSeed = Number(arg('first-seed') ?? 0);
  if (!Number.isInteger(firstSeed) || firstSeed < 0) throw new Error(`--first-seed: give a whole number ≥ 0, got "${arg('first-seed')}"`);
  const seedList = Array.from({ length: seeds }, (_, i) => firstSeed + i);
  const epochBudget = Number(arg('epochs') ?? 60);
  if (!Number.isInteger(epochBudget) || epochBudget < 1) throw new Error(`--epochs: give a whole number ≥ 1 (newly trained epochs per run), got "${arg('epochs')}"`);
  const parallel = Number(arg('parallel') ?? 2);
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`--parallel: give a whole number ≥ 1 (trials at a time), got "${arg('parallel')}"`);
  const problemArg = arg('problem') ?? 'digits';
  const problemNames = problemArg === 'all' ? ALL_PROBLEMS : problemArg.split(',');
  const methods = arg('methods')?.split(',') ?? METHODS;
  for (const m of methods) if (!METHODS.includes(m)) throw new Error(`--methods: unknown method "${m}" (valid: ${METHODS.join(', ')})`);
  const outDir = path.resolve(ROOT, arg('out') ?? 'bench/results');
  if (!existsSync(builtinTrainerEntry())) throw new Error(`${builtinTrainerEntry()} is missing; run npm run build:cli first`);
  const transfer = arg('transfer');
  if (transfer !== null) {
    const variants = transfer.split(',') as TransferVariant[];
    for (const v of variants) if (!TRANSFER_VARIANTS.includes(v)) throw new Error(`--transfer: unknown variant "${v}" (valid: ${TRANSFER_VARIANTS.join(', ')})`);
    const work = mkdtempSync(path.join(os.tmpdir(), 'nightshift-transfer-'));
    try {
      const log = (m: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
      await transferMain({ problems: problemNames, seeds, firstSeed, variants, epochBudget, parallel, work, benchDir: path.join(ROOT, 'bench'), outDir, log });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return;
  }
  const optunaVersion = execFileSync('/usr/bin/python3', ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' }).trim();
  const started = new Date();
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, Optuna ${optunaVersion}, load average at start ${os.loadavg()[0]!.toFixed(2)}`;
  const log = (m: string): void => console.log(`[${((Date.now() - started.getTime()) / 1000).toFixed(0)}s] ${m}`);
  log(machine);
  const work = mkdtempSync(path.join(os.tmpdir(), 'nightshift-realtrain-'));
  const md: string[] = [`# Real training: Nightshift against Optuna, ${started.toISOString().slice(0, 10)}`, '', `Machine: ${machine}.`];
  const json: Record<string, unknown>[] = [];
  try {
    for (const name of problemNames) {
      const real = loadProblem(name, path.join(work, 'data'), path.join(ROOT, 'bench'));
      const problem: Problem = { builtin: real.builtin, command: real.command, space: real.space, metric: 'val_accuracy', minEpochs: 1, maxEpochs: 9, eta: 3, epochBudget, parallel };
      const t0 = Date.now();
      const runs: RunLog[] = [];
      for (const seed of seedList) {
        if (methods.includes(OPTUNA)) runs.push(await runOptuna(path.join(ROOT, 'bench'), problem, seed, (m) => log(`${name}: ${m}`)));
        for (const v of VARIANTS) {
          if (!methods.includes(`nightshift-${v.label}`)) continue;
          runs.push(await runNightshift(problem, v, seed, path.join(work, `${name}-${v.label}-${seed}`), (m) => log(`${name}: ${m}`)));
        }
      }
      const loadAfterRuns = os.loadavg()[0]!;
      // Without an Optuna run the target is the best of all methods on that seed.
      const reference = methods.includes(OPTUNA) ? OPTUNA : 'the best method';
      const targets = new Map<number, number>();
      for (const seed of seedList) {
        const pool = runs.filter((r) => r.seed === seed && (r.method === OPTUNA || !methods.includes(OPTUNA)));
        targets.set(seed, Math.max(...pool.flatMap((r) => r.processes.flatMap((p) => p.reports.map((x) => x.value)))));
      }
      // A command trainer scores its own held-out rows when it has a way to (problems.ts `scoreArgs`).
      const score = real.command ? (real.scoreArgs ? commandHoldoutScorer(real, ROOT) : null) : await holdoutScorer(real);
      const summaries: RunSummary[] = [];
      for (const r of runs) {
        const chosen = chosenConfig(r, real.space);
        const test = score ? await score(chosen) : undefined;
        log(`${name}: ${r.method} seed ${r.seed}: chosen ${JSON.stringify(chosen.params)} at ${chosen.epochs} epochs${test === undefined ? '' : `, test ${(100 * test).toFixed(2)}%`}`);
        summaries.push({ ...summarize(r, targets.get(r.seed)!), chosen, ...(test === undefined ? {} : { test }) });
      }
      md.push(
        '',
        ...markdown(
          summaries,
          targets,
          [
            `## ${name}`,
            '',
            `${real.trainer} on ${real.description}; epochs ${problem.minEpochs}–${problem.maxEpochs} (eta ${problem.eta}), ` +
              `${problem.epochBudget} newly trained epochs per method and seed, ${problem.parallel} trials at a time, ${seeds} seeds. ` +
              `Energy: CPU time ÷ cores × 65 W on both sides (no RAPL here). Tuning took ${((Date.now() - t0) / 1000).toFixed(0)} s${score ? ' with the held-out scoring' : ''}; load average after the tuning runs ${loadAfterRuns.toFixed(2)}.`,
          ],
          reference,
          real.space,
        ),
        '',
        'Every trial of every seed (the search path, not only its best): how often a numeric parameter sat within 1% of a bound:',
        '',
        ...trialBoundaryTable(runs, real.space),
        ...(methods.includes(OPTUNA) ? ['', ...shareTable(runs, OPTUNA)] : []),
      );
      json.push({ problem: name, description: real.description, rows: real.rows, settings: { ...problem, builtin: undefined, command: undefined }, targets: Object.fromEntries(targets), summaries, runs });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  md.push('', `Finished in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s; load average at end ${os.loadavg()[0]!.toFixed(2)}.`);
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `${started.toISOString().slice(0, 16).replace(/[:T]/g, '-')}-realtrain-${problemNames.join('-')}`);
  writeFileSync(`${base}.json`, JSON.stringify({ date: started.toISOString(), machine, seeds, problems: json }));
  writeFileSync(`${base}.md`, md.join('\n') + '\n');
  console.log(md.join('\n'));
  log(`wrote ${base}.md and .json`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});

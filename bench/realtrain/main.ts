// `npm run bench -- --only realtrain [--seeds 2] [--epochs 60] [--parallel 2] [--methods a,b]`: real training
// (issue 16). Nightshift's built-in TF.js trainer on the bundled digits, tuned by Nightshift (GP+ASHA stop,
// GP+ASHA promote, random+ASHA stop) and by Optuna 3.1 (TPE + Hyperband pruner, pruning in-process on the
// same trainer's per-epoch reports), each held to the same budget of newly trained epochs. Runs one after
// another, so they do not compete for the cores. Writes markdown and JSON to bench/results/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinTrainerEntry } from '../../src/main/engine/campaign/command.js';
import { runNightshift, type NightshiftVariant } from './nightshift.js';
import { runOptuna } from './optuna.js';
import { markdown, summarize, type RunLog } from './report.js';
import type { Problem } from './space.js';

const ROOT = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
const VARIANTS: NightshiftVariant[] = [
  { label: 'gp-asha-stop', sampler: 'gp', mode: 'stop' },
  { label: 'gp-asha-promote', sampler: 'gp', mode: 'promote' },
  { label: 'random-asha-stop', sampler: 'random', mode: 'stop' },
];
const METHODS = ['optuna-tpe-hyperband', ...VARIANTS.map((v) => `nightshift-${v.label}`)];

function arg(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

async function main(): Promise<void> {
  const seeds = Number(arg('seeds') ?? 2);
  const problem: Problem = { metric: 'val_accuracy', minEpochs: 1, maxEpochs: 9, eta: 3, epochBudget: Number(arg('epochs') ?? 60), parallel: Number(arg('parallel') ?? 2) };
  const methods = arg('methods')?.split(',') ?? METHODS;
  for (const m of methods) if (!METHODS.includes(m)) throw new Error(`--methods: unknown method "${m}" (valid: ${METHODS.join(', ')})`);
  const outDir = path.resolve(ROOT, arg('out') ?? 'bench/results');
  if (!existsSync(builtinTrainerEntry())) throw new Error(`${builtinTrainerEntry()} is missing; run npm run build:cli first`);
  const optunaVersion = execFileSync('/usr/bin/python3', ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' }).trim();
  const started = new Date();
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, Optuna ${optunaVersion}, load average at start ${os.loadavg()[0]!.toFixed(2)}`;
  const log = (m: string): void => console.log(`[${((Date.now() - started.getTime()) / 1000).toFixed(0)}s] ${m}`);
  log(machine);
  const work = mkdtempSync(path.join(os.tmpdir(), 'nightshift-realtrain-'));
  const runs: RunLog[] = [];
  try {
    for (let seed = 0; seed < seeds; seed++) {
      if (methods.includes('optuna-tpe-hyperband')) runs.push(await runOptuna(path.join(ROOT, 'bench'), problem, seed, log));
      for (const v of VARIANTS) {
        if (methods.includes(`nightshift-${v.label}`)) runs.push(await runNightshift(problem, v, seed, path.join(work, `${v.label}-${seed}`), log));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // Without an Optuna run the target is the best of all methods on that seed.
  const targets = new Map<number, number>();
  for (let seed = 0; seed < seeds; seed++) {
    const pool = runs.filter((r) => r.seed === seed && (r.method === 'optuna-tpe-hyperband' || !methods.includes('optuna-tpe-hyperband')));
    targets.set(seed, Math.max(...pool.flatMap((r) => r.processes.flatMap((p) => p.reports.map((x) => x.value)))));
  }
  const summaries = runs.map((r) => summarize(r, targets.get(r.seed)!));
  const md = markdown(summaries, targets, [
    `# Real training: Nightshift against Optuna, ${started.toISOString().slice(0, 10)}`,
    '',
    `Machine: ${machine}. Problem: built-in TF.js MLP on the bundled digits, epochs ${problem.minEpochs}–${problem.maxEpochs} (eta ${problem.eta}), ` +
      `${problem.epochBudget} newly trained epochs per method and seed, ${problem.parallel} trials at a time. Energy: CPU time ÷ cores × 65 W on both sides (no RAPL here).`,
  ]);
  md.push('', `Finished in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s; load average at end ${os.loadavg()[0]!.toFixed(2)}.`);
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, `${started.toISOString().slice(0, 16).replace(/[:T]/g, '-')}-realtrain`);
  writeFileSync(`${base}.json`, JSON.stringify({ date: started.toISOString(), machine, problem, targets: Object.fromEntries(targets), summaries, runs }));
  writeFileSync(`${base}.md`, md.join('\n') + '\n');
  console.log(md.join('\n'));
  log(`wrote ${base}.md and .json`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});

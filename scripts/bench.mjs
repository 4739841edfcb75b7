// `npm run bench [-- --only synthetic,timing,zeus,lcbench --seeds N ...]`: Nightshift and Optuna side by side on
// the same problems, in one invocation. Each suite's TypeScript entry is bundled and run by
// scripts/lib/run-ts.mjs. A script, not a test: it takes many minutes, and
// what it measures goes to bench/results/ (markdown + JSON, with the date and the machine).
//   synthetic, timing, zeus   bench/main.ts          options: --seeds --evals --functions --repeats --data --out
//   lcbench                   bench/lcbench/main.ts  options: --seeds --tasks --methods --workers --gp-options --data --out --reference --check-tasks
//   eventloop                 bench/eventloop/main.ts options: --seconds --trials --out (serve's event-loop delay, GP inline vs worker)
//   realtrain                 bench/realtrain/main.ts options: --problem --seeds --first-seed --epochs --parallel --methods --out
//                             --transfer prior,judged,top1,replay,repeat,local (cold GP+ASHA against warm-started from another seed's study; repeat: the source's best trained again, the ceiling; local: new configurations near it)
//                             (real TF.js training, minutes per run: not in the default set; builds the trainer first)
//   realtrain-gaps            bench/realtrain/gap-trace.ts options: --problem --seed --marks --ask-ahead --epochs --epoch-s
//                             (where the time between two trials of a reused trainer process goes: store writes, the
//                             sampler's ask; --problem gpu-sim: a trainer whose epochs sleep, as a GPU's leave the CPU idle)
//   realtrain-same-config     bench/realtrain/same-config.ts options: --problem --trials (one configuration trained
//                             again and again in one reused process: does a process get slower with its trials)
//   realtrain-intervals       bench/realtrain/intervals-main.ts options: --files a.json,b.json --pool true --reference --share (bootstrap
//                             intervals of earlier realtrain results' ratios to Optuna, per file or pooled; trains nothing)
//   realtrain-transfer-holdout bench/realtrain/transfer-holdout.ts options: --files a.json,b.json --share (transfer runs'
//                             chosen configurations at a share of the cold epochs and at the end, scored on held-out rows)
//   transfer                  bench/lcbench/transfer.ts options: --seeds --pairs --variants --workers --epochs --data --out --runs
//                             (GP+ASHA cold against warm-started from another LCBench task; not in the default set)
//   curve-diagnose            bench/lcbench/curve-diagnose.ts options: --task --seed --data --out (GP+curve's predictions
//                             against the surrogate's true finals, wrong stops; writes the run's curves to JSON)
//   curve-replay              bench/lcbench/curve-replay.ts options: --files a.json,b.json --options JSON (a curve
//                             rule replayed open-loop on curve-diagnose runs)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root, runTs } from './lib/run-ts.mjs';

const MAIN_SUITES = ['synthetic', 'timing', 'zeus'];
const MAIN_FLAGS = ['--seeds', '--evals', '--functions', '--repeats', '--data', '--out'];
const LCBENCH_FLAGS = ['--seeds', '--tasks', '--methods', '--workers', '--gp-options', '--data', '--out', '--reference', '--check-tasks'];
const EVENTLOOP_FLAGS = ['--seconds', '--trials', '--out'];
const REALTRAIN_FLAGS = ['--seeds', '--first-seed', '--epochs', '--parallel', '--methods', '--problem', '--out', '--transfer'];
const TRANSFER_FLAGS = ['--seeds', '--pairs', '--variants', '--workers', '--epochs', '--data', '--out', '--runs'];
const CURVE_DIAGNOSE_FLAGS = ['--task', '--seed', '--data', '--out'];
const CURVE_REPLAY_FLAGS = ['--files', '--options'];
const INTERVALS_FLAGS = ['--files', '--pool', '--reference', '--share'];
const TRANSFER_HOLDOUT_FLAGS = ['--files', '--share'];
const GAPS_FLAGS = ['--problem', '--seed', '--marks', '--ask-ahead', '--epochs', '--epoch-s'];
// Suites run only when named in --only.
const EXTRA_SUITES = ['eventloop', 'realtrain', 'realtrain-gaps', 'realtrain-same-config', 'realtrain-intervals', 'realtrain-transfer-holdout', 'transfer', 'curve-diagnose', 'curve-replay'];

const argv = process.argv.slice(2);
const pairs = [];
for (let i = 0; i < argv.length; i += 2) {
  if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
    console.error(`bench: expected --flag value pairs, got "${argv[i]}"`);
    process.exit(2);
  }
  pairs.push([argv[i], argv[i + 1]]);
}
const only = (pairs.find(([f]) => f === '--only')?.[1] ?? [...MAIN_SUITES, 'lcbench'].join(',')).split(',');
const unknown = only.filter((s) => s !== 'lcbench' && !MAIN_SUITES.includes(s) && !EXTRA_SUITES.includes(s));
if (unknown.length) {
  console.error(`bench: unknown suite ${unknown.join(', ')} (suites: ${[...MAIN_SUITES, 'lcbench', ...EXTRA_SUITES].join(', ')})`);
  process.exit(2);
}
// Flags the chosen suites take: any other is refused below, not dropped (a dropped `--runs` ran 40 minutes).
const accepted = new Set(['--only']);
const pick = (flags) => {
  for (const f of flags) accepted.add(f);
  return pairs.filter(([f]) => flags.includes(f)).flat();
};
const runs = [];
const mainSuites = only.filter((s) => MAIN_SUITES.includes(s));
if (mainSuites.length) runs.push(['bench/main.ts', ['--only', mainSuites.join(','), ...pick(MAIN_FLAGS)]]);
if (only.includes('lcbench')) runs.push(['bench/lcbench/main.ts', pick(LCBENCH_FLAGS)]);
if (only.includes('eventloop')) runs.push(['bench/eventloop/main.ts', pick(EVENTLOOP_FLAGS)]);
if (only.includes('realtrain')) runs.push(['bench/realtrain/main.ts', pick(REALTRAIN_FLAGS)]);
if (only.includes('realtrain-gaps')) runs.push(['bench/realtrain/gap-trace.ts', pick(GAPS_FLAGS)]);
if (only.includes('realtrain-same-config')) runs.push(['bench/realtrain/same-config.ts', pick(['--problem', '--trials'])]);
if (only.includes('realtrain-intervals')) runs.push(['bench/realtrain/intervals-main.ts', pick(INTERVALS_FLAGS)]);
if (only.includes('realtrain-transfer-holdout')) runs.push(['bench/realtrain/transfer-holdout.ts', pick(TRANSFER_HOLDOUT_FLAGS)]);
if (only.includes('transfer')) runs.push(['bench/lcbench/transfer.ts', pick(TRANSFER_FLAGS)]);
if (only.includes('curve-diagnose')) runs.push(['bench/lcbench/curve-diagnose.ts', pick(CURVE_DIAGNOSE_FLAGS)]);
if (only.includes('curve-replay')) runs.push(['bench/lcbench/curve-replay.ts', pick(CURVE_REPLAY_FLAGS)]);
const ignored = pairs.map(([f]) => f).filter((f) => !accepted.has(f));
if (ignored.length) {
  console.error(`bench: ${ignored.join(', ')} is not an option of ${only.join(', ')} (their options: ${[...accepted].join(' ')})`);
  process.exit(2);
}

// The event-loop suite runs `nightshift serve` from the CLI bundle, and realtrain's trials run the bundled
// trainer (out/trainers/builtin-trainer.mjs): build them from these sources first.
if (only.includes('eventloop') || only.includes('realtrain') || only.includes('realtrain-gaps') || only.includes('realtrain-same-config')) {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

for (const [entry, args] of runs) {
  const status = await runTs(entry, args);
  if (status !== 0) {
    process.exitCode = status;
    break;
  }
}

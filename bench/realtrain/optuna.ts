// Runs bench/realtrain/optuna_realtrain.py for one seed: Optuna 3.1's TPE with its Hyperband pruner,
// launching the same trainer program the engine launches.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { builtinTrainerEntry, packageRoot } from '../../src/main/engine/campaign/command.js';
import type { RunLog } from './report.js';
import { CPU_WATTS, SPACE, type Problem } from './space.js';

export function runOptuna(benchDir: string, problem: Problem, seed: number, log: (m: string) => void): Promise<RunLog> {
  const config = {
    seed,
    space: problem.space ?? SPACE,
    ...(problem.command
      ? { argv: problem.command.argv, cwd: problem.command.cwd, env: { ...problem.command.env, PYTHONPATH: path.join(packageRoot(), 'resources', 'python') } }
      : { builtin: problem.builtin, node: process.execPath, entry: builtinTrainerEntry() }),
    metric: problem.metric,
    min_epochs: problem.minEpochs,
    max_epochs: problem.maxEpochs,
    eta: problem.eta,
    epoch_budget: problem.epochBudget,
    parallel: problem.parallel,
    cpu_watts: CPU_WATTS,
  };
  const script = path.join(benchDir, 'realtrain', 'optuna_realtrain.py');
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [script, JSON.stringify(config)], { maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`optuna_realtrain.py failed: ${err.message}\n${stderr.slice(-2000)}`));
      const out = JSON.parse(stdout) as Omit<RunLog, 'method' | 'seed'>;
      log(`optuna tpe+hyperband seed ${seed}: ${out.processes.length} processes, ${out.epochs} epochs, ${out.wall_s.toFixed(0)} s`);
      resolve({ method: 'optuna-tpe-hyperband', seed, ...out });
    });
  });
}

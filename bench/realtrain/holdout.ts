// Held-out accuracy: each method's chosen configuration (its best report by validation accuracy) retrained
// with the built-in trainer's own code, in this process, on the training part the tuning used, for the
// epochs at which it reported that best, then scored on test rows that no trial ever saw (the problem's
// data files hold the tuning rows first and the test rows after them; see problems.ts). A command trainer
// (torch_digits) keeps its test rows out of tuning itself and scores them when asked (`scoreArgs`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../src/main/engine/trainers/backend.js';
import { loadDataset } from '../../src/main/engine/trainers/data/load.js';
import { prepare } from '../../src/main/engine/trainers/data/prepare.js';
import { holdoutSplit } from '../../src/main/engine/trainers/data/split.js';
import type { Dataset } from '../../src/main/engine/trainers/data/dataset.js';
import { parseModelParams } from '../../src/main/engine/trainers/params.js';
import { createRun, disposeRun, evaluate, trainEpoch } from '../../src/main/engine/trainers/train.js';
import type { RunLog } from './report.js';
import type { RealProblem } from './problems.js';
import { SPACE, type SpaceDef } from './space.js';

export interface Chosen {
  params: Record<string, unknown>;
  epochs: number;
  val: number;
}

/** The run's best report (the earliest on a tie): its process's parameters and the epoch it was at. */
export function chosenConfig(run: RunLog, space: SpaceDef = SPACE): Chosen {
  let best: Chosen | null = null;
  let bestT = Infinity;
  for (const p of run.processes) {
    for (const r of p.reports) {
      if (!best || r.value > best.val || (r.value === best.val && r.t < bestT)) {
        const params = Object.fromEntries(Object.entries(p.params ?? {}).filter(([k]) => k in space));
        best = { params, epochs: r.step, val: r.value };
        bestT = r.t;
      }
    }
  }
  if (!best) throw new Error(`${run.method} seed ${run.seed}: no reports`);
  return best;
}

/** Loads a problem's files once; `score` then trains one configuration and returns its test accuracy. */
export async function holdoutScorer(problem: RealProblem): Promise<(c: Chosen) => Promise<number>> {
  if (!problem.tuneSpec || !problem.allSpec) throw new Error(`${problem.name}: no held-out part to score on`);
  await initBackend('mlp');
  const tune: Dataset = loadDataset(problem.tuneSpec);
  const all: Dataset = loadDataset(problem.allSpec);
  // The split every trial made of the tuning rows (trainer defaults: validation_fraction 0.2, split_seed 0).
  const { train } = holdoutSplit(tune, 0.2, 0);
  const test = Array.from({ length: all.n - tune.n }, (_, i) => tune.n + i);
  const prepared = prepare(all, { train, val: test });
  return async (c) => {
    const params = parseModelParams('mlp', c.params);
    // One fixed initialisation seed for every method, so they differ only in the configuration they chose.
    const run = createRun(params, all.shape, all.task, all.classes.length, prepared, 0);
    try {
      for (let e = 0; e < c.epochs; e++) await trainEpoch(run);
      return (await evaluate(run)).val_accuracy!;
    } finally {
      disposeRun(run);
    }
  };
}

/**
 * A command trainer's scorer: the problem's own command with the chosen parameters, for the epochs of the
 * best report, plus its `scoreArgs` (train, then print `{"test_accuracy": ...}` for the rows it kept out of
 * tuning), in a fresh checkpoint folder so nothing resumes. `root` is the repository (resources/python).
 */
export function commandHoldoutScorer(problem: RealProblem, root: string): (c: Chosen) => Promise<number> {
  const command = problem.command;
  if (!command || !problem.scoreArgs) throw new Error(`${problem.name}: not a command trainer that scores a held-out part`);
  const scoreArgs = problem.scoreArgs;
  return async (c) => {
    const values: Record<string, unknown> = { ...c.params, epochs: c.epochs };
    const argv = command.argv.map((a) =>
      a.replace(/\{(\w+)\}/g, (m, name: string) => {
        if (!(name in values)) throw new Error(`${problem.name}: the command's ${m} has no value in the chosen configuration`);
        return String(values[name]);
      }),
    );
    const ckpt = mkdtempSync(path.join(os.tmpdir(), 'nightshift-holdout-'));
    try {
      const out = execFileSync(argv[0]!, [...argv.slice(1), ...scoreArgs], {
        cwd: command.cwd,
        encoding: 'utf8',
        env: { ...process.env, ...command.env, PYTHONPATH: path.join(root, 'resources', 'python'), NIGHTSHIFT_CHECKPOINT_DIR: ckpt },
        maxBuffer: 16 << 20,
      });
      const last = out.trim().split('\n').pop() ?? '';
      const acc = (JSON.parse(last) as { test_accuracy?: unknown }).test_accuracy;
      if (typeof acc !== 'number') throw new Error(`${problem.name}: the scoring run printed no test_accuracy (last line: ${last})`);
      return acc;
    } finally {
      rmSync(ckpt, { recursive: true, force: true });
    }
  };
}

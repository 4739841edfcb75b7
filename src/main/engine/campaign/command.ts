// Turns a study's trainer into the argv, environment and working folder of one trial process.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Params } from '../../../shared/types.js';
import { fillArgv } from '../runner/argv.js';
import { trialEnv } from '../runner/env.js';
import { TRIAL_TOKEN_ENV } from '../runner/marked.js';
import type { TrialLaunch } from '../executors/types.js';
import type { StudySpec, TrainerSpec } from '../study/types.js';
import { ENGINE_ENV } from './orphans.js';

export interface TrialCommand {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface TrialCommandInput {
  spec: StudySpec;
  studyName: string;
  trialId: number;
  trialNumber: number;
  params: Params;
  budget: number | null;
  seed: number;
  paramsFile: string;
  checkpointDir: string;
  /** Where the built-in trainer caches its decoded dataset for the study's other trials. */
  dataCacheDir?: string;
  owner: string;
  /** Unique to this launch; marks every process of the trial, daemonized ones included. */
  trialToken: string;
  cudaVisibleDevices: string | null;
  /** A finalists-stage run's fold (NIGHTSHIFT_FOLD/FOLDS); null or absent for a search trial. */
  finalist?: { fold: number | null; folds: number | null } | null;
  /** A stop-based scheduler's rung steps: a reused built-in trainer waits at each for the verdict. */
  rungSteps?: readonly number[];
}

/** The package root, found from this module's location (works bundled in out/ and from src/ in tests). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'resources'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the Nightshift package root');
    dir = up;
  }
}

export function builtinTrainerEntry(): string {
  return path.join(packageRoot(), 'out', 'trainers', 'builtin-trainer.mjs');
}

export function buildTrialCommand(t: TrialCommandInput): TrialCommand {
  const env: Record<string, string> = {
    ...trialEnv({
      studyName: t.studyName,
      trialId: t.trialId,
      trialNumber: t.trialNumber,
      params: t.params,
      paramsFile: t.paramsFile,
      checkpointDir: t.checkpointDir,
      budget: t.budget,
      seed: t.seed,
      cudaVisibleDevices: t.cudaVisibleDevices,
      finalist: t.finalist ?? null,
    }),
    [ENGINE_ENV]: t.owner,
    [TRIAL_TOKEN_ENV]: t.trialToken,
  };
  // Python trial scripts can `import nightshift` without installing anything.
  const pyHelper = path.join(packageRoot(), 'resources', 'python');
  env.PYTHONPATH = [pyHelper, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);

  // Always set (empty: no rung waits), so a value inherited from the engine's own environment (an engine
  // run inside another study's trial) never makes this study's trials wait at steps nobody answers.
  env.NIGHTSHIFT_RUNG_STEPS = t.rungSteps?.join(',') ?? '';
  const trainer = t.spec.trainer;
  if (trainer.kind === 'builtin') {
    env.NIGHTSHIFT_BUILTIN = JSON.stringify(trainer.builtin);
    if (t.dataCacheDir !== undefined) env.NIGHTSHIFT_DATA_CACHE_DIR = t.dataCacheDir;
    return { argv: [process.execPath, builtinTrainerEntry()], cwd: process.cwd(), env };
  }
  const values: Record<string, string | number | boolean> = {
    ...t.params,
    trial_id: t.trialId,
    trial_number: t.trialNumber,
    seed: t.seed,
    checkpoint_dir: t.checkpointDir,
    study: t.studyName,
  };
  if (t.budget !== null) {
    values.budget = t.budget;
    if (t.spec.fidelity) values[t.spec.fidelity.param] = t.budget;
  }
  return { argv: fillArgv(trainer.command, values), cwd: trainer.cwd, env: { ...trainer.env, ...env } };
}

/**
 * Whether a trial may run in a reused trainer process, and which processes it may share: the built-in
 * trainer's by default; a command trainer's only when the study asks (its script must call
 * `nightshift.run`), keyed by the command as written, since each trial fills its placeholders differently.
 */
export function reuseOf(trainer: TrainerSpec): Pick<TrialLaunch, 'reuseProcess' | 'workerKey'> {
  if (trainer.kind === 'builtin') return { reuseProcess: trainer.reuse_process !== false };
  return trainer.reuse_process === true ? { reuseProcess: true, workerKey: JSON.stringify(trainer.command) } : { reuseProcess: false };
}

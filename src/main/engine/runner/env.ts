// The environment half of the trial protocol (ARCHITECTURE.md, "Trial protocol"). These names are a contract
// with users' scripts and resources/python/nightshift.py: never rename one.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Params } from '../../../shared/types.js';

export interface TrialEnvInput {
  studyName: string;
  trialId: number;
  trialNumber: number;
  params: Params;
  /** A JSON file with the same object as NIGHTSHIFT_PARAMS (for values too large for the environment). */
  paramsFile: string;
  /** Kept across a trial's promotions and resumes, so the trial can continue from its checkpoint. */
  checkpointDir: string;
  /** Fidelity value to reach (epochs, steps...); null when the study has no fidelity. */
  budget: number | null;
  seed: number;
  /** GPU indices for this trial, e.g. "0" or "0,1"; null leaves the variable as the engine inherited it. */
  cudaVisibleDevices: string | null;
  /** Set for a run of the finalists stage; its fold (0-based) and fold count when the stage uses folds. */
  finalist?: { fold: number | null; folds: number | null } | null;
}

export function trialEnv(t: TrialEnvInput): Record<string, string> {
  const env: Record<string, string> = {
    NIGHTSHIFT_PARAMS: JSON.stringify(t.params),
    NIGHTSHIFT_PARAMS_FILE: t.paramsFile,
    NIGHTSHIFT_TRIAL_ID: String(t.trialId),
    NIGHTSHIFT_TRIAL_NUMBER: String(t.trialNumber),
    NIGHTSHIFT_STUDY: t.studyName,
    NIGHTSHIFT_CHECKPOINT_DIR: t.checkpointDir,
    NIGHTSHIFT_SEED: String(t.seed),
  };
  if (t.budget !== null) env.NIGHTSHIFT_BUDGET = String(t.budget);
  // An empty CUDA_VISIBLE_DEVICES hides every GPU; "no slot assigned" must not mean that, so null sets nothing.
  if (t.cudaVisibleDevices !== null) env.CUDA_VISIBLE_DEVICES = t.cudaVisibleDevices;
  if (t.finalist) {
    env.NIGHTSHIFT_FINALIST = '1';
    if (t.finalist.fold !== null && t.finalist.folds !== null) {
      env.NIGHTSHIFT_FOLD = String(t.finalist.fold);
      env.NIGHTSHIFT_FOLDS = String(t.finalist.folds);
    }
  }
  return env;
}

/** Writes the NIGHTSHIFT_PARAMS_FILE the trial reads (creating its folder), before the trial is launched. */
export async function writeParamsFile(file: string, params: Params): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(params, null, 2) + '\n', 'utf8');
}

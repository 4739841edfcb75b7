// One trial of the built-in trainer from its trial-protocol variables (NIGHTSHIFT_BUILTIN, NIGHTSHIFT_PARAMS,
// ...): what a trial process does once, and what a reused trainer process (worker.ts) does per trial.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from './backend.js';
import { validateBuiltinConfig } from './config.js';
import { TrainerUserError } from './errors.js';
import { parseModelParams } from './params.js';
import type { StartupClock } from './startup-clock.js';
import { resolveFidelity, runTrial, type Report } from './trial.js';

export type EnvLookup = (name: string) => string | undefined;

export interface TrainIo {
  report(metrics: Report): void;
  log(line: string): void;
  clock?: StartupClock;
  /** A reused trainer process: how the engine asks to end the trial, and the data kept for the next one. */
  shouldStop?: () => boolean;
  /** A reused trainer process: waits for the engine's verdict on a report at a rung step (see runTrial). */
  awaitVerdict?: (step: number) => Promise<void>;
  keepData?: boolean;
}

/** NIGHTSHIFT_RUNG_STEPS ("1,3"): the steps a stop-based scheduler judges; malformed entries are ignored. */
function rungStepsEnv(env: EnvLookup): Set<number> {
  return new Set((env('NIGHTSHIFT_RUNG_STEPS') ?? '').split(',').map(Number).filter((n) => Number.isFinite(n) && n > 0));
}

/** Reads a variable of `vars`; unset and empty are the same. */
export function envLookup(vars: Record<string, string | undefined>): EnvLookup {
  return (name) => {
    const v = vars[name];
    return v === undefined || v === '' ? undefined : v;
  };
}

function parseJsonEnv(env: EnvLookup, name: string, fallbackFile?: string): unknown {
  let text = env(name);
  if (text === undefined && fallbackFile !== undefined) text = readFileSync(fallbackFile, 'utf8');
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TrainerUserError(`${name}: not valid JSON (${text.slice(0, 60)})`);
  }
}

function numberEnv(env: EnvLookup, name: string): number | null {
  const text = env(name);
  if (text === undefined) return null;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new TrainerUserError(`${name}: must be a number, got "${text}"`);
  return v;
}

/** Runs the trial the variables describe; throws TrainerUserError for mistakes the user can fix. */
export async function trainFromEnv(env: EnvLookup, io: TrainIo): Promise<void> {
  const rawConfig = parseJsonEnv(env, 'NIGHTSHIFT_BUILTIN');
  if (rawConfig === undefined) throw new TrainerUserError('NIGHTSHIFT_BUILTIN is not set; this program is started by Nightshift for studies with trainer: {builtin: ...} (see --help)');
  const checked = validateBuiltinConfig(rawConfig);
  if (!checked.ok) throw new TrainerUserError(`NIGHTSHIFT_BUILTIN: ${checked.path}: ${checked.message}`);
  const config = checked.config;
  const ds = config.dataset;
  // The engine resolves relative paths against the study's folder; by hand, they mean the working directory.
  if (ds.kind === 'csv') ds.path = path.resolve(ds.path);
  if (ds.kind === 'idx') Object.assign(ds, { images: path.resolve(ds.images), labels: path.resolve(ds.labels) });

  const paramsFile = env('NIGHTSHIFT_PARAMS_FILE');
  const raw = parseJsonEnv(env, 'NIGHTSHIFT_PARAMS', paramsFile) ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TrainerUserError('NIGHTSHIFT_PARAMS: must be a JSON object');
  const rawParams = raw as Record<string, unknown>;
  const params = parseModelParams(config.model, rawParams);
  const fidelity = resolveFidelity(config, rawParams, numberEnv(env, 'NIGHTSHIFT_BUDGET'));
  const seed = numberEnv(env, 'NIGHTSHIFT_SEED') ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new TrainerUserError(`NIGHTSHIFT_SEED: must be a whole number ≥ 0, got ${seed}`);
  const checkpointDir = env('NIGHTSHIFT_CHECKPOINT_DIR') ?? null;

  // Once per process: a reused process keeps the backend it chose for its first trial.
  const backend = await initBackend(config.model);
  io.clock?.mark('backend');
  io.log(`backend: ${backend.summary}`);
  if (checkpointDir) {
    mkdirSync(checkpointDir, { recursive: true });
    writeFileSync(path.join(checkpointDir, 'backend.json'), JSON.stringify(backend, null, 2) + '\n');
  }
  await runTrial({
    config,
    params,
    seed,
    epochs: fidelity.epochs,
    dataFraction: fidelity.dataFraction,
    checkpointDir,
    dataCacheDir: env('NIGHTSHIFT_DATA_CACHE_DIR') ?? null,
    backend: backend.backend,
    clock: io.clock,
    report: io.report,
    log: io.log,
    shouldStop: io.shouldStop,
    rungSteps: rungStepsEnv(env),
    awaitVerdict: io.awaitVerdict,
    keepData: io.keepData,
  });
}

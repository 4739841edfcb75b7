// The built-in trainer process (bundled to out/trainers/builtin-trainer.mjs). The engine launches it like any
// trial command; it speaks the trial protocol: env in, `@nightshift {...}` lines out, exit code 2 with one
// line on stderr for mistakes the user can fix.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from './backend.js';
import { validateBuiltinConfig } from './config.js';
import { EXIT_USER_ERROR, TrainerUserError } from './errors.js';
import { builtinParamNames, parseModelParams } from './params.js';
import { StartupClock } from './startup-clock.js';
import { resolveFidelity, runTrial } from './trial.js';

const USAGE = `nightshift built-in trainer (TensorFlow.js)

Run by Nightshift for studies with \`trainer: {builtin: {...}}\`; not usually started by hand.

Environment (the trial protocol):
  NIGHTSHIFT_BUILTIN         JSON of trainer.builtin, e.g. {"model":"mlp","dataset":"mnist"}
                             keys: model (mlp|cnn), dataset (mnist | {csv, target, task, categorical, ignore,
                             delimiter} | {idx: {images, labels}}), fidelity (epochs|data_fraction), epochs,
                             data_fraction, validation_fraction (0.2), cv (k folds), split_seed (0)
  NIGHTSHIFT_PARAMS          JSON of hyperparameters
                             mlp: ${builtinParamNames('mlp').join(', ')}
                             cnn: ${builtinParamNames('cnn').join(', ')}
  NIGHTSHIFT_BUDGET          epochs to reach (fidelity epochs) or fraction of training data (data_fraction)
  NIGHTSHIFT_SEED            seed of initial weights, shuffles and dropout (same seed, same backend: same result)
  NIGHTSHIFT_CHECKPOINT_DIR  per-epoch checkpoints; a rerun resumes from the last one
  NIGHTSHIFT_DATA_CACHE_DIR  where the decoded, split dataset is cached for the next trials (the engine sets
                             it to the study's folder); unset: decode in every trial

Output: one line per epoch on stdout:
  @nightshift {"step": 3, "val_accuracy": 0.95, "val_loss": 0.17, "train_loss": 0.21, "epoch_time_s": 1.2}
  (regression reports val_rmse instead of val_accuracy). The backend and fallback reasons go to stderr
  and to backend.json in the checkpoint folder.

Precision: TF.js trains in float32 only; fp16, bf16 and mixed precision are not available, so there is no
precision option. Backends: tfjs-node-gpu, else tfjs-node, else wasm (MLP) or cpu (CNN).
`;

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

function parseJsonEnv(name: string, fallbackFile?: string): unknown {
  let text = env(name);
  if (text === undefined && fallbackFile !== undefined) text = readFileSync(fallbackFile, 'utf8');
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TrainerUserError(`${name}: not valid JSON (${text.slice(0, 60)})`);
  }
}

function numberEnv(name: string): number | null {
  const text = env(name);
  if (text === undefined) return null;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new TrainerUserError(`${name}: must be a number, got "${text}"`);
  return v;
}

async function main(): Promise<void> {
  const clock = new StartupClock();
  clock.mark('modules');
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const rawConfig = parseJsonEnv('NIGHTSHIFT_BUILTIN');
  if (rawConfig === undefined) throw new TrainerUserError('NIGHTSHIFT_BUILTIN is not set; this program is started by Nightshift for studies with trainer: {builtin: ...} (see --help)');
  const checked = validateBuiltinConfig(rawConfig);
  if (!checked.ok) throw new TrainerUserError(`NIGHTSHIFT_BUILTIN: ${checked.path}: ${checked.message}`);
  const config = checked.config;
  const ds = config.dataset;
  // The engine resolves relative paths against the study's folder; by hand, they mean the working directory.
  if (ds.kind === 'csv') ds.path = path.resolve(ds.path);
  if (ds.kind === 'idx') Object.assign(ds, { images: path.resolve(ds.images), labels: path.resolve(ds.labels) });

  const paramsFile = env('NIGHTSHIFT_PARAMS_FILE');
  const raw = parseJsonEnv('NIGHTSHIFT_PARAMS', paramsFile) ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TrainerUserError('NIGHTSHIFT_PARAMS: must be a JSON object');
  const rawParams = raw as Record<string, unknown>;
  const params = parseModelParams(config.model, rawParams);
  const fidelity = resolveFidelity(config, rawParams, numberEnv('NIGHTSHIFT_BUDGET'));
  const seed = numberEnv('NIGHTSHIFT_SEED') ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new TrainerUserError(`NIGHTSHIFT_SEED: must be a whole number ≥ 0, got ${seed}`);
  const checkpointDir = env('NIGHTSHIFT_CHECKPOINT_DIR') ?? null;

  const log = (line: string): void => void process.stderr.write(`[nightshift] ${line}\n`);
  const backend = await initBackend(config.model);
  clock.mark('backend');
  log(`backend: ${backend.summary}`);
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
    clock,
    report: (m) => void process.stdout.write(`@nightshift ${JSON.stringify(m)}\n`),
    log,
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof TrainerUserError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT_USER_ERROR);
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

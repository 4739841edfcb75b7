// The built-in trainer process (bundled to out/trainers/builtin-trainer.mjs). The engine launches it like any
// trial command; it speaks the trial protocol: env in, `@nightshift {...}` lines out, exit code 2 with one
// line on stderr for mistakes the user can fix.
import { EXIT_USER_ERROR, TrainerUserError } from './errors.js';
import { envLookup, trainFromEnv } from './from-env.js';
import { builtinParamNames } from './params.js';
import { StartupClock } from './startup-clock.js';
import { runWorker } from './worker.js';
import { WORKER_ENV } from './worker-protocol.js';

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

Reused process: with --worker (or NIGHTSHIFT_WORKER=1), the trainer runs trial after trial, each started by a line
  {"run": {"env": {...}}} on stdin (src/main/engine/trainers/worker-protocol.ts); the engine does this
  unless the study sets trainer.reuse_process: false.

Precision: TF.js trains in float32 only; fp16, bf16 and mixed precision are not available, so there is no
precision option. Backends: tfjs-node-gpu, else tfjs-node, else wasm (MLP) or cpu (CNN).
`;

async function main(): Promise<void> {
  const clock = new StartupClock();
  clock.mark('modules');
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (process.argv.includes('--worker') || process.env[WORKER_ENV] === '1') {
    await runWorker();
    return;
  }
  await trainFromEnv(envLookup(process.env), {
    clock,
    report: (m) => void process.stdout.write(`@nightshift ${JSON.stringify(m)}\n`),
    log: (line) => void process.stderr.write(`[nightshift] ${line}\n`),
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

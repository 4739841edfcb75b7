// One trial: load the data, split it (holdout or stratified k-fold), build one model per split, resume from
// the checkpoint if there is one, then train epoch by epoch, reporting the mean over splits after each.
import type { BuiltinConfig } from './config.js';
import { loadCheckpoint, previousLastStep, saveCheckpoint } from './checkpoint.js';
import { loadCached, splitOptions, type SplitData } from './data/cache.js';
import type { Dataset } from './data/dataset.js';
import { loadDataset } from './data/load.js';
import { prepare } from './data/prepare.js';
import { holdoutSplit, kFoldSplits, subsample, type Split } from './data/split.js';
import { TrainerUserError } from './errors.js';
import type { ModelParams } from './params.js';
import { deriveSeed } from './rng.js';
import type { StartupClock } from './startup-clock.js';
import { createRun, disposeRun, evaluate, trainEpoch, TrialStopped, type EvalMetrics, type FoldRun } from './train.js';

export type Report = Record<string, number>;

export interface TrialOptions {
  config: BuiltinConfig;
  params: ModelParams;
  seed: number;
  /** Epoch to reach (counted from the start of the trial, including epochs done before a resume). */
  epochs: number;
  /** Fraction of each training part used. */
  dataFraction: number;
  checkpointDir: string | null;
  backend: string;
  /** Loaded once by the caller when several trials share a dataset (cross-validation); else loaded here. */
  dataset?: Dataset;
  /** The study's data cache folder (NIGHTSHIFT_DATA_CACHE_DIR); null decodes the dataset every time. */
  dataCacheDir?: string | null;
  /** Times the stages before the first report (the trainer process passes one; in-process callers don't). */
  clock?: StartupClock;
  report(metrics: Report): void;
  log(line: string): void;
  /** Set in a reused trainer process: true once the engine asked to end this trial (see trainEpoch). */
  shouldStop?: () => boolean;
  /**
   * Set in a reused trainer process of a stop-based multi-fidelity study: after reporting one of these steps
   * (the rungs, NIGHTSHIFT_RUNG_STEPS) the trial waits for the engine's verdict before training on, so a
   * configuration stopped at a rung does not train one more epoch first.
   */
  rungSteps?: ReadonlySet<number>;
  awaitVerdict?: (step: number) => Promise<void>;
  /** A reused trainer process: keep the decoded dataset in memory for its next trial. */
  keepData?: boolean;
}

export interface Fidelity {
  epochs: number;
  dataFraction: number;
}

/** Reads the fidelity from NIGHTSHIFT_BUDGET (what it means is `config.fidelity`), else params, else config. */
export function resolveFidelity(config: BuiltinConfig, params: Record<string, unknown>, budget: number | null): Fidelity {
  const fromParams = (name: string): number | null => (typeof params[name] === 'number' ? (params[name] as number) : null);
  let epochs = fromParams('epochs') ?? config.epochs;
  let dataFraction = fromParams('data_fraction') ?? config.data_fraction;
  if (budget !== null) {
    // A fractional epoch budget (e.g. from a scheduler's min·eta^k) means the nearest whole epoch.
    if (config.fidelity === 'epochs') epochs = Math.max(1, Math.round(budget));
    else dataFraction = budget;
  }
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new TrainerUserError(`NIGHTSHIFT_PARAMS.epochs: must be a whole number ≥ 1, got ${epochs}; fix epochs in search_space`);
  }
  if (!(dataFraction > 0 && dataFraction <= 1)) {
    throw new TrainerUserError(`data_fraction must be in (0, 1], got ${dataFraction}; with fidelity: data_fraction, set fidelity.min > 0 and fidelity.max ≤ 1`);
  }
  return { epochs, dataFraction };
}

export function makeSplits(config: BuiltinConfig, data: Dataset, splitSeed: number): Split[] {
  if (config.cv !== null) return kFoldSplits(data, config.cv, splitSeed);
  return [holdoutSplit(data, config.validation_fraction, splitSeed)];
}

export function createRuns(o: Pick<TrialOptions, 'config' | 'params' | 'seed' | 'dataFraction'>, data: Dataset, splits: Split[], splitSeed: number): FoldRun[] {
  return splits.map((s, f) => {
    const train = subsample(data, s.train, o.dataFraction, deriveSeed(splitSeed, 1, f));
    const classes = data.classes.length;
    return createRun(o.params, data.shape, data.task, classes, prepare(data, { train, val: s.val }), deriveSeed(o.seed, f));
  });
}

export function meanMetrics(all: EvalMetrics[]): Report {
  const out: Report = {};
  for (const key of Object.keys(all[0] ?? {}) as (keyof EvalMetrics)[]) {
    out[key] = all.reduce((a, m) => a + (m[key] ?? 0), 0) / all.length;
  }
  return out;
}

function loadSplitData(o: TrialOptions): SplitData {
  const build = (): SplitData => {
    const data = o.dataset ?? loadDataset(o.config.dataset);
    return { data, splits: makeSplits(o.config, data, o.config.split_seed) };
  };
  if (o.dataset) return build();
  if (!o.dataCacheDir) {
    const t0 = performance.now();
    const built = build();
    o.log(`data: decoded in ${Math.round(performance.now() - t0)} ms (no NIGHTSHIFT_DATA_CACHE_DIR, not cached)`);
    return built;
  }
  return loadCached(o.dataCacheDir, o.config.dataset, splitOptions(o.config), build, o.log, o.keepData === true);
}

/** Trains to `epochs`; returns the last report (null when the checkpoint was already there). */
export async function runTrial(o: TrialOptions): Promise<Report | null> {
  const { data, splits } = loadSplitData(o);
  o.clock?.mark('data');
  const runs = createRuns(o, data, splits, o.config.split_seed);
  o.clock?.mark('model');
  const fingerprint = JSON.stringify({
    params: o.params,
    dataset: o.config.dataset,
    cv: o.config.cv,
    validation_fraction: o.config.validation_fraction,
    split_seed: o.config.split_seed,
    data_fraction: o.dataFraction,
    seed: o.seed,
  });
  let start = 0;
  let stepOffset = 0;
  if (o.checkpointDir) {
    const restored = loadCheckpoint(o.checkpointDir, fingerprint, runs, o.log);
    if (restored) {
      start = restored.epoch;
      stepOffset = restored.stepOffset;
      o.log(`resumed from the checkpoint of epoch ${start}`);
    } else {
      stepOffset = previousLastStep(o.checkpointDir);
    }
  }
  if (start >= o.epochs) o.log(`the checkpoint is already at epoch ${start} (budget ${o.epochs}); nothing to train`);
  let last: Report | null = null;
  try {
    for (let epoch = start + 1; epoch <= o.epochs; epoch++) {
      if (o.shouldStop) {
        // A stop is usually the engine's answer to the report just sent: read it before training on.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (o.shouldStop()) throw new TrialStopped('stopped by the engine');
      }
      const t0 = performance.now();
      const losses: number[] = [];
      for (const run of runs) losses.push(await trainEpoch(run, o.shouldStop));
      const seconds = (performance.now() - t0) / 1000;
      const metrics: EvalMetrics[] = [];
      for (const run of runs) metrics.push(await evaluate(run));
      last = {
        step: stepOffset + epoch,
        ...meanMetrics(metrics),
        train_loss: losses.reduce((a, b) => a + b, 0) / losses.length,
        epoch_time_s: seconds,
        ...(o.config.fidelity === 'data_fraction' ? { data_fraction: o.dataFraction } : {}),
      };
      // Checkpoint before reporting: a scheduler may stop the trial as soon as it reads the report.
      if (o.checkpointDir) await saveCheckpoint(o.checkpointDir, fingerprint, epoch, stepOffset, o.backend, runs);
      o.report(last);
      o.clock?.mark('first epoch');
      const startup = o.clock?.finish();
      if (startup) o.log(startup);
      if (o.awaitVerdict && o.rungSteps?.has(stepOffset + epoch) && epoch < o.epochs) await o.awaitVerdict(stepOffset + epoch);
    }
  } finally {
    runs.forEach(disposeRun);
  }
  return last;
}

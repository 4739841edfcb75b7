// Final validation of finalists: repeated stratified k-fold (k folds × several seeds, each seed reshuffling
// the folds and the initial weights). Exploring uses one cheap holdout estimate per trial; the few best
// configurations deserve the careful, lower-variance estimate before a user picks one.
import { initBackend } from './backend.js';
import type { BuiltinConfig } from './config.js';
import { loadDataset } from './data/load.js';
import { kFoldSplits } from './data/split.js';
import { parseModelParams } from './params.js';
import { createRuns } from './trial.js';
import { disposeRun, evaluate, trainEpoch } from './train.js';

export interface CrossValidateOptions {
  folds: number;
  /** Seeds to repeat the k-fold with, or how many (seeds 0..n-1). */
  seeds: number[] | number;
  /** Epochs per fold; default: params.epochs, else the config's epochs. */
  epochs?: number;
  /** Called after each fold, e.g. for progress output. */
  onFold?(result: FoldResult): void;
}

export interface FoldResult {
  seed: number;
  fold: number;
  value: number;
}

export interface CrossValidation {
  /** val_accuracy (classification, higher is better) or val_rmse (regression, lower is better). */
  metric: 'val_accuracy' | 'val_rmse';
  mean: number;
  /**
   * Standard error of the mean over all folds × seeds. Folds share training data, so this naive estimate is
   * optimistic (Bengio & Grandvalet 2004: no unbiased variance estimator for k-fold exists); use it to rank
   * finalists, not as a confidence interval.
   */
  se: number;
  perFold: FoldResult[];
}

export async function crossValidate(config: BuiltinConfig, rawParams: Record<string, unknown>, opts: CrossValidateOptions): Promise<CrossValidation> {
  if (!Number.isInteger(opts.folds) || opts.folds < 2) throw new Error(`crossValidate: folds must be an integer ≥ 2, got ${opts.folds}`);
  const seeds = typeof opts.seeds === 'number' ? Array.from({ length: opts.seeds }, (_, i) => i) : opts.seeds;
  if (seeds.length === 0) throw new Error('crossValidate: at least one seed is needed');
  const { epochs: _e, data_fraction: _d, ...modelParams } = rawParams;
  const params = parseModelParams(config.model, modelParams);
  const epochs = opts.epochs ?? (typeof rawParams.epochs === 'number' ? rawParams.epochs : config.epochs);
  await initBackend(config.model);
  const data = loadDataset(config.dataset);
  const metric = data.task === 'classification' ? 'val_accuracy' : 'val_rmse';
  const perFold: FoldResult[] = [];
  for (const seed of seeds) {
    const splits = kFoldSplits(data, opts.folds, seed);
    for (let fold = 0; fold < splits.length; fold++) {
      // One fold at a time keeps memory at one model and one copy of the data.
      const [run] = createRuns({ config, params, seed: seed * 1000 + fold, dataFraction: 1 }, data, [splits[fold]!], seed);
      try {
        for (let e = 0; e < epochs; e++) await trainEpoch(run!);
        const m = await evaluate(run!);
        const result = { seed, fold, value: m[metric]! };
        perFold.push(result);
        opts.onFold?.(result);
      } finally {
        disposeRun(run!);
      }
    }
  }
  const n = perFold.length;
  const mean = perFold.reduce((a, r) => a + r.value, 0) / n;
  const variance = n > 1 ? perFold.reduce((a, r) => a + (r.value - mean) ** 2, 0) / (n - 1) : 0;
  return { metric, mean, se: Math.sqrt(variance / n), perFold };
}

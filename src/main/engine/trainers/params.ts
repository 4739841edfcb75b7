// Hyperparameters of the built-in models, read from NIGHTSHIFT_PARAMS. Names, defaults and ranges:
//
//   both models   activation  relu | tanh | elu      relu
//                 dropout     0 ≤ x < 1              0      (after each hidden dense layer)
//                 l2          ≥ 0                    0      (penalty on dense and conv kernels)
//                 optimizer   adam | sgd | rmsprop   adam
//                 lr          > 0                    0.001
//                 momentum    0 ≤ x < 1              0.9    (sgd only; heavy-ball momentum)
//                 batch_size  integer ≥ 1            128
//   mlp           layers      integer 1..8           2      (hidden layers)
//                 units       integer 1..4096        128    (units per hidden layer)
//   cnn           conv_layers integer 1..3           2      (conv → 2×2 max-pool blocks; filters double per block)
//                 filters     integer 1..256         16     (filters of the first conv layer)
//                 kernel      integer 1..7           3      (square kernel, same padding)
//                 dense_units integer 1..4096        64     (the dense layer after the conv blocks)
//   fidelity      epochs, data_fraction: accepted so a study can put its fidelity parameter in the search
//                 space; NIGHTSHIFT_BUDGET wins when both are given.
//
// There is no precision parameter: TF.js trains in float32 only.
import type { ModelKind } from './config.js';
import { TrainerUserError } from './errors.js';

export type Activation = 'relu' | 'tanh' | 'elu';
export type OptimizerKind = 'adam' | 'sgd' | 'rmsprop';

export interface CommonParams {
  activation: Activation;
  dropout: number;
  l2: number;
  optimizer: OptimizerKind;
  lr: number;
  momentum: number;
  batch_size: number;
}
export interface MlpParams extends CommonParams {
  model: 'mlp';
  layers: number;
  units: number;
}
export interface CnnParams extends CommonParams {
  model: 'cnn';
  conv_layers: number;
  filters: number;
  kernel: number;
  dense_units: number;
}
export type ModelParams = MlpParams | CnnParams;

const COMMON = ['activation', 'dropout', 'l2', 'optimizer', 'lr', 'momentum', 'batch_size'];
const FIDELITY = ['epochs', 'data_fraction'];
const MODEL_PARAMS: Record<ModelKind, string[]> = {
  mlp: ['layers', 'units', ...COMMON],
  cnn: ['conv_layers', 'filters', 'kernel', 'dense_units', ...COMMON],
};

/** Parameter names the built-in `model` understands (for checking a study's search space early). */
export function builtinParamNames(model: ModelKind): string[] {
  return [...MODEL_PARAMS[model], ...FIDELITY];
}

function bad(name: string, message: string): TrainerUserError {
  return new TrainerUserError(`NIGHTSHIFT_PARAMS.${name}: ${message}`);
}

function num(p: Record<string, unknown>, name: string, dflt: number, lo: number, hi: number, opts: { int?: boolean; loOpen?: boolean; hiOpen?: boolean } = {}): number {
  const v = p[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'number') throw bad(name, `must be a number, got ${JSON.stringify(v)}`);
  const okRange = (opts.loOpen ? v > lo : v >= lo) && (opts.hiOpen ? v < hi : v <= hi);
  if (!Number.isFinite(v) || !okRange || (opts.int && !Number.isInteger(v))) {
    const range = `${opts.loOpen ? '>' : '≥'} ${lo} and ${opts.hiOpen ? '<' : '≤'} ${hi}`;
    throw bad(name, `must be ${opts.int ? 'an integer' : 'a number'} ${range}, got ${JSON.stringify(v)}; narrow its range in search_space`);
  }
  return v;
}

function choice<T extends string>(p: Record<string, unknown>, name: string, choices: readonly T[], dflt: T): T {
  const v = p[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw bad(name, `must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}; fix its choices in search_space`);
  }
  return v as T;
}

export function parseModelParams(model: ModelKind, params: Record<string, unknown>): ModelParams {
  const known = builtinParamNames(model);
  for (const name of Object.keys(params)) {
    if (name === 'precision') {
      throw bad(name, 'TF.js trains in float32 only (no fp16, bf16 or mixed precision); remove it from search_space');
    }
    if (!known.includes(name)) {
      throw bad(name, `not a hyperparameter of the built-in ${model}; known: ${known.join(', ')}`);
    }
  }
  const common: CommonParams = {
    activation: choice(params, 'activation', ['relu', 'tanh', 'elu'] as const, 'relu'),
    dropout: num(params, 'dropout', 0, 0, 1, { hiOpen: true }),
    l2: num(params, 'l2', 0, 0, 1e3),
    optimizer: choice(params, 'optimizer', ['adam', 'sgd', 'rmsprop'] as const, 'adam'),
    lr: num(params, 'lr', 1e-3, 0, 10, { loOpen: true }),
    momentum: num(params, 'momentum', 0.9, 0, 1, { hiOpen: true }),
    batch_size: num(params, 'batch_size', 128, 1, 1e6, { int: true }),
  };
  if (model === 'mlp') {
    return {
      model,
      ...common,
      layers: num(params, 'layers', 2, 1, 8, { int: true }),
      units: num(params, 'units', 128, 1, 4096, { int: true }),
    };
  }
  return {
    model,
    ...common,
    conv_layers: num(params, 'conv_layers', 2, 1, 3, { int: true }),
    filters: num(params, 'filters', 16, 1, 256, { int: true }),
    kernel: num(params, 'kernel', 3, 1, 7, { int: true }),
    dense_units: num(params, 'dense_units', 64, 1, 4096, { int: true }),
  };
}

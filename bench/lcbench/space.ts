// LCBench's search space (config_space.json of the YAHPO data), the same for Nightshift and Optuna.
import type { ParamSpec } from '../../src/main/engine/study/types.js';

const float = (low: number, high: number, log = false): ParamSpec => ({ type: 'float', low, high, log, step: null, when: null });
const int = (low: number, high: number, log = false): ParamSpec => ({ type: 'int', low, high, log, step: 1, when: null });

export const LCBENCH_SPACE: Record<string, ParamSpec> = {
  batch_size: int(16, 512, true),
  learning_rate: float(1e-4, 1e-1, true),
  momentum: float(0.1, 0.99),
  weight_decay: float(1e-5, 0.1),
  num_layers: int(1, 5),
  max_units: int(64, 1024, true),
  max_dropout: float(0, 1),
};

/** The tuning tasks the bench-data README names (YAHPO-SO), and its budget in epochs. */
export const TASKS = ['167168', '189873', '189906'];
export const EPOCH_BUDGET = Math.ceil(20 * 52 + Math.sqrt(7) * 52 * 40);
/** Epoch 1 is an untrained model (README): fidelities run from 2 to 52. */
export const MIN_EPOCH = 2;

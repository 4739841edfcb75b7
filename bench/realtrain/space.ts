// What both sides tune: Nightshift's built-in TF.js MLP on one of the problems of problems.ts, epochs as
// the fidelity, validation accuracy to maximise. The space is the demo's (resources/examples/demo-mnist.yaml),
// sized so one digits epoch takes about a second on one core of the 2-core build machine with the wasm backend.
import { DEFAULT_CPU_WATTS } from '../../src/main/engine/metering/index.js';

export interface Problem {
  /** `trainer.builtin`: model, dataset files, fidelity (problems.ts). */
  builtin: Record<string, unknown>;
  metric: string;
  minEpochs: number;
  maxEpochs: number;
  eta: number;
  /** Newly trained epochs each method may spend (a resumed promotion counts only its new epochs). */
  epochBudget: number;
  parallel: number;
}

/** Both sides estimate CPU energy the same way (no RAPL on the build machine): CPU time / cores × this. */
export const CPU_WATTS = DEFAULT_CPU_WATTS;

/** The search space in the Optuna bridge's terms, and the same in the study file below. */
export const SPACE = {
  layers: { type: 'int', low: 1, high: 2 },
  units: { type: 'int', low: 32, high: 256, log: true },
  lr: { type: 'float', low: 5.0e-4, high: 1.0e-2, log: true },
  batch_size: { type: 'int', low: 64, high: 256, log: true },
  dropout: { type: 'float', low: 0.0, high: 0.3 },
  activation: { type: 'categorical', choices: ['relu', 'elu'] },
} as const;

/** An earlier study to warm-start from (transfer.ts): its best configurations replayed, and with `prior` its results as the GP's prior. */
export interface WarmStartFrom {
  study: string;
  db: string;
  prior: boolean;
}

export function studyYaml(
  p: Problem,
  o: {
    name: string;
    sampler: 'gp' | 'random';
    scheduler: 'asha' | 'hyperband' | 'curve' | 'median';
    /** ASHA's and Hyperband's; the stopping schedulers (curve, median) have none. */
    mode?: 'stop' | 'promote' | 'pause';
    seed: number;
    warmStart?: WarmStartFrom;
    /** `sampler:` options beside its type, as YAML flow-map entries (`cost_aware: true`). */
    samplerOptions?: string;
    /** `scheduler:` options beside its type and mode, the same way (`grace: auto`). */
    schedulerOptions?: string;
    /** false: a new trainer process per trial (`trainer.reuse_process: false`); default: the study default. */
    reuseProcess?: boolean;
  },
): string {
  const warm = o.warmStart ? `warm_start: {study: ${o.warmStart.study}, db: ${JSON.stringify(o.warmStart.db)}, prior: ${o.warmStart.prior}}\n` : '';
  const space = Object.entries(SPACE)
    .map(([name, d]) => `  ${name}: ${JSON.stringify(d)}`)
    .join('\n');
  return `name: ${o.name}
trainer:
  builtin: ${JSON.stringify(p.builtin)}
  timeout: 10m
${o.reuseProcess === false ? '  reuse_process: false\n' : ''}search_space:
${space}
objectives:
  - {metric: ${p.metric}, direction: maximize}
fidelity: {param: epochs, min: ${p.minEpochs}, max: ${p.maxEpochs}, eta: ${p.eta}}
sampler: {type: ${o.sampler}${o.samplerOptions ? `, ${o.samplerOptions}` : ''}}
scheduler: {type: ${o.scheduler}${o.mode ? `, mode: ${o.mode}` : ''}${o.schedulerOptions ? `, ${o.schedulerOptions}` : ''}}
budget: {trials: 100000}
resources: {parallel: ${p.parallel}}
seed: ${o.seed}
${warm}`;
}

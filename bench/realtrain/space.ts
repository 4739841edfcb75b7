// What both sides tune: Nightshift's built-in TF.js MLP on one of the problems of problems.ts, epochs as
// the fidelity, validation accuracy to maximise. The space is the demo's (resources/examples/demo-mnist.yaml),
// sized so one digits epoch takes about a second on one core of the 2-core build machine with the wasm backend.
import { DEFAULT_CPU_WATTS } from '../../src/main/engine/metering/index.js';

/** A search space in the Optuna bridge's terms (the same in the study file). */
export type SpaceDef = Record<string, { type: 'int' | 'float'; low: number; high: number; log?: boolean } | { type: 'categorical'; choices: readonly (string | number)[] }>;

/** A Python trainer run as a command (problems.ts): both sides launch the same argv, `{name}`s filled in. */
export interface CommandTrainerDef {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface Problem {
  /** `trainer.builtin`: model, dataset files, fidelity (problems.ts); unused when `command` is set. */
  builtin: Record<string, unknown>;
  /** A command trainer instead of the built-in one (Nightshift runs it with `reuse_process: true`). */
  command?: CommandTrainerDef;
  /** The problem's own search space; default SPACE (the built-in MLP's). */
  space?: SpaceDef;
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
export const SPACE: SpaceDef = {
  layers: { type: 'int', low: 1, high: 2 },
  units: { type: 'int', low: 32, high: 256, log: true },
  lr: { type: 'float', low: 5.0e-4, high: 1.0e-2, log: true },
  batch_size: { type: 'int', low: 64, high: 256, log: true },
  dropout: { type: 'float', low: 0.0, high: 0.3 },
  activation: { type: 'categorical', choices: ['relu', 'elu'] },
};

/** An earlier study to warm-start from (transfer.ts): its best configurations replayed, and with `prior` its results as the GP's prior. */
export interface WarmStartFrom {
  study: string;
  db: string;
  prior: boolean;
  /** `warm_start.early_stop`: true lets the scheduler stop a replayed configuration like a new one. */
  earlyStop?: boolean;
  /** `warm_start.top`: how many of the source's best configurations to replay (the study default, 5, when left out). */
  top?: number;
}

export function studyYaml(
  p: Problem,
  o: {
    name: string;
    sampler: 'gp' | 'random';
    scheduler: 'asha' | 'hyperband' | 'curve' | 'median' | 'none';
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
    /** `resources.ask_ahead`; default: the study default (auto). */
    askAhead?: 'auto' | boolean;
  },
): string {
  const warm = o.warmStart ? `warm_start: {study: ${o.warmStart.study}, db: ${JSON.stringify(o.warmStart.db)}, prior: ${o.warmStart.prior}${o.warmStart.earlyStop ? ', early_stop: true' : ''}${o.warmStart.top ? `, top: ${o.warmStart.top}` : ''}}\n` : '';
  const space = Object.entries(p.space ?? SPACE)
    .map(([name, d]) => `  ${name}: ${JSON.stringify(d)}`)
    .join('\n');
  const trainer = p.command
    ? `  command: ${JSON.stringify(p.command.argv)}\n  cwd: ${JSON.stringify(p.command.cwd)}\n  env: ${JSON.stringify(p.command.env)}\n  timeout: 10m\n  reuse_process: ${o.reuseProcess !== false}\n`
    : `  builtin: ${JSON.stringify(p.builtin)}\n  timeout: 10m\n${o.reuseProcess === false ? '  reuse_process: false\n' : ''}`;
  return `name: ${o.name}
trainer:
${trainer}search_space:
${space}
objectives:
  - {metric: ${p.metric}, direction: maximize}
fidelity: {param: epochs, min: ${p.minEpochs}, max: ${p.maxEpochs}, eta: ${p.eta}}
sampler: {type: ${o.sampler}${o.samplerOptions ? `, ${o.samplerOptions}` : ''}}
scheduler: {type: ${o.scheduler}${o.mode ? `, mode: ${o.mode}` : ''}${o.schedulerOptions ? `, ${o.schedulerOptions}` : ''}}
budget: {trials: 100000}
resources: {parallel: ${p.parallel}${o.askAhead === undefined ? '' : `, ask_ahead: ${o.askAhead}`}}
seed: ${o.seed}
${warm}`;
}

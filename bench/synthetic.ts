// Bench (a): the synthetic functions, Nightshift GP against Optuna TPE, CMA-ES and random search, the
// same seeds and evaluation budget for every method; regret = best value found - known optimum.
import type { Params } from '../src/shared/types.js';
import { createGpSampler } from '../src/main/engine/samplers/gp/sampler.js';
import type { TrialView } from '../src/main/engine/samplers/types.js';
import { SearchSpace } from '../src/main/engine/study/space.js';
import type { FloatParam } from '../src/main/engine/study/types.js';
import { FUNCTIONS, type SyntheticFunction } from './functions.js';
import type { BridgeParam, OptunaBridge, OptunaSamplerName } from './optuna.js';

export const SYNTHETIC_METHODS = ['nightshift-gp', 'optuna-tpe', 'optuna-cmaes', 'optuna-random'] as const;

export interface SyntheticRun {
  fn: string;
  method: string;
  seed: number;
  regret: number;
  /** Best-so-far regret after each evaluation. */
  curve: number[];
  seconds: number;
  fallbacks?: number;
}

function spaceOf(fn: SyntheticFunction): Record<string, FloatParam> {
  return Object.fromEntries(fn.bounds.map(([low, high], i) => [`x${i}`, { type: 'float', low, high, log: false, step: null, when: null }]));
}

function vector(fn: SyntheticFunction, params: Params): number[] {
  return fn.bounds.map((_, i) => Number(params[`x${i}`]));
}

function curveOf(values: number[], optimum: number): number[] {
  let best = Infinity;
  return values.map((v) => (best = Math.min(best, v)) - optimum);
}

export function runGp(fn: SyntheticFunction, seed: number, evals: number): SyntheticRun {
  const space = new SearchSpace(spaceOf(fn));
  const sampler = createGpSampler({ type: 'gp', options: {} }, space);
  const trials: TrialView[] = [];
  const values: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < evals; i++) {
    const s = sampler.ask({ space, objectives: [{ metric: 'y', direction: 'minimize' }], trials, seed });
    if (s.kind !== 'params') throw new Error(`GP sampler exhausted on ${fn.name}: ${s.reason}`);
    const y = fn.f(vector(fn, s.params));
    values.push(y);
    trials.push({ number: i, state: 'complete', params: s.params, values: { y }, intermediate: new Map(), budget: null });
  }
  const curve = curveOf(values, fn.optimum);
  return { fn: fn.name, method: 'nightshift-gp', seed, regret: curve[curve.length - 1]!, curve, seconds: (performance.now() - t0) / 1000, fallbacks: sampler.fallbacks };
}

export async function runOptuna(bridge: OptunaBridge, sampler: OptunaSamplerName, fn: SyntheticFunction, seed: number, evals: number): Promise<SyntheticRun> {
  const space: Record<string, BridgeParam> = Object.fromEntries(fn.bounds.map(([low, high], i) => [`x${i}`, { type: 'float', low, high }]));
  await bridge.create(sampler, seed, space, ['minimize']);
  const values: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < evals; i++) {
    const { params } = await bridge.ask();
    const y = fn.f(vector(fn, params));
    values.push(y);
    await bridge.tell([y]);
  }
  const curve = curveOf(values, fn.optimum);
  return { fn: fn.name, method: `optuna-${sampler}`, seed, regret: curve[curve.length - 1]!, curve, seconds: (performance.now() - t0) / 1000 };
}

export async function runSynthetic(
  bridge: OptunaBridge,
  opts: { seeds: number; evals: number; functions: string[] | null },
  log: (msg: string) => void,
): Promise<SyntheticRun[]> {
  const runs: SyntheticRun[] = [];
  const fns = FUNCTIONS.filter((f) => !opts.functions || opts.functions.includes(f.name));
  for (const fn of fns) {
    for (let seed = 0; seed < opts.seeds; seed++) {
      const gp = runGp(fn, seed, opts.evals);
      runs.push(gp);
      const line = [`gp ${gp.regret.toExponential(2)} (${gp.seconds.toFixed(1)}s)`];
      for (const s of ['tpe', 'cmaes', 'random'] as const) {
        const r = await runOptuna(bridge, s, fn, seed, opts.evals);
        runs.push(r);
        line.push(`${s} ${r.regret.toExponential(2)}`);
      }
      log(`synthetic ${fn.name} seed ${seed}: ${line.join(', ')}`);
    }
  }
  return runs;
}

// Search spaces and a simulated study loop shared by the sampler tests.
import type { ParamValue, Params, TrialState } from '../../../src/shared/types.js';
import type { Sampler, SamplerContext, Suggestion, TrialView } from '../../../src/main/engine/samplers/types.js';
import type { SamplerSetup } from '../../../src/main/engine/samplers/index.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import type { CategoricalParam, Condition, FloatParam, IntParam } from '../../../src/main/engine/study/types.js';

export function float(low: number, high: number, extra: Partial<FloatParam> = {}): FloatParam {
  return { type: 'float', low, high, log: false, step: null, when: null, ...extra };
}
export function int(low: number, high: number, extra: Partial<IntParam> = {}): IntParam {
  return { type: 'int', low, high, log: false, step: 1, when: null, ...extra };
}
export function cat(choices: ParamValue[], when: Condition | null = null): CategoricalParam {
  return { type: 'categorical', choices, when };
}

/** What creating a sampler needs for a one-objective study (minimize `loss`) without constraints or fidelity. */
export function setupFor(space: SearchSpace, extra: Partial<SamplerSetup> = {}): SamplerSetup {
  return { space, objectives: [{ metric: 'loss', direction: 'minimize' }], constraints: [], fidelity: null, energyBudget: false, log: () => {}, ...extra };
}

/** Every kind of parameter: log floats and ints, steps, categoricals, a two-level condition. */
export function mixedSpace(): SearchSpace {
  return new SearchSpace({
    lr: float(1e-5, 1e-1, { log: true }),
    units: int(16, 512, { log: true }),
    layers: int(1, 4),
    dropout: float(0, 0.5, { step: 0.1 }),
    optimizer: cat(['adam', 'sgd', 'rmsprop']),
    momentum: float(0.5, 0.99, { when: { optimizer: ['sgd', 'rmsprop'] } }),
    nesterov: cat([true, false], { optimizer: ['sgd'] }),
  });
}

/** Small enough for a grid to reach both branches quickly (5 + 5 * 5 = 30 points). */
export function conditionalSpace(): SearchSpace {
  return new SearchSpace({
    optimizer: cat(['adam', 'sgd']),
    momentum: float(0.5, 0.99, { when: { optimizer: ['sgd'] } }),
    lr: float(1e-4, 1, { log: true }),
  });
}

/** 12 configurations: a=x has 3 * 2, a=y and a=z have 3 each. */
export function smallDiscreteSpace(): SearchSpace {
  return new SearchSpace({
    a: cat(['x', 'y', 'z']),
    b: int(1, 3),
    c: cat([true, false], { a: ['x'] }),
  });
}

export function trialView(number: number, params: Params, state: TrialState = 'complete'): TrialView {
  return { number, state, params, values: state === 'complete' ? { loss: number } : null, intermediate: new Map(), budget: null };
}

export function context(space: SearchSpace, trials: readonly TrialView[], seed: number): SamplerContext {
  return { space, objectives: [{ metric: 'loss', direction: 'minimize' }], trials, seed };
}

export interface StudyRun {
  suggestions: Suggestion[];
  /** The parameters of every `params` suggestion, in order. */
  params: Params[];
  trials: TrialView[];
}

/** A synchronous sampler's answer: these suites drive samplers inline, so a Promise here is a test bug. */
export function askNow(sampler: Sampler, ctx: SamplerContext): Suggestion {
  const s = sampler.ask(ctx);
  if (s instanceof Promise) throw new Error(`${sampler.name}.ask answered asynchronously; await it instead`);
  return s;
}

/**
 * Asks `count` times like the engine would, recording each suggestion as a new trial (with the given
 * state) until the sampler says `exhausted`. `trials` seeds the study (e.g. a baseline).
 */
export function runStudy(
  sampler: Sampler,
  space: SearchSpace,
  opts: { seed: number; count: number; trials?: readonly TrialView[]; state?: (n: number) => TrialState },
): StudyRun {
  const trials: TrialView[] = [...(opts.trials ?? [])];
  const suggestions: Suggestion[] = [];
  const params: Params[] = [];
  for (let i = 0; i < opts.count; i++) {
    const s = askNow(sampler, context(space, trials, opts.seed));
    suggestions.push(s);
    if (s.kind === 'exhausted') break;
    params.push(s.params);
    trials.push(trialView(trials.length, s.params, opts.state?.(trials.length) ?? 'complete'));
  }
  return { suggestions, params, trials };
}

// Drives a sampler the way the engine does (ask, run, tell) on in-process objective functions.
import type { Objective, Params } from '../../../../src/shared/types.js';
import type { SearchSpace } from '../../../../src/main/engine/study/space.js';
import type { Sampler, TrialView } from '../../../../src/main/engine/samplers/types.js';
import { askNow } from '../spaces.js';

export function trial(number: number, params: Params, values: Record<string, number> | null, state: TrialView['state'] = 'complete'): TrialView {
  return { number, state, params, values, intermediate: new Map(), budget: null };
}

/** Runs `evals` sequential trials; returns them in order. */
export function runStudy(
  sampler: Sampler,
  space: SearchSpace,
  objectives: Objective[],
  evaluate: (p: Params) => Record<string, number>,
  evals: number,
  seed: number,
): TrialView[] {
  const trials: TrialView[] = [];
  for (let i = 0; i < evals; i++) {
    const s = askNow(sampler, { space, objectives, trials, seed });
    if (s.kind !== 'params') throw new Error(`unexpected exhaustion: ${s.reason}`);
    trials.push(trial(i, s.params, evaluate(s.params)));
  }
  return trials;
}

export function floatParam(low: number, high: number, log = false) {
  return { type: 'float' as const, low, high, log, step: null, when: null };
}

export function branin(p: Params): number {
  const x1 = p.x1 as number;
  const x2 = p.x2 as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  return (x2 - b * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A one-parameter study file whose sampler is `{type: gp, <options>}` (for the option tests). */
export function gpOptionStudy(options: string, extra = ''): string {
  return `name: s
trainer: {command: [python3, train.py, '{x}']}
search_space:
  x: {type: float, low: 0, high: 1}
objectives: [{metric: acc, direction: maximize}]
${extra}sampler: {type: gp, ${options}}
`;
}

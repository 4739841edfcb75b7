// `stack_rungs`: under a multi-fidelity scheduler the GP learns from a rung with 3 results on top of the
// rung below it (its prior mean) instead of waiting for d + 3 results there.
import { describe, expect, it } from 'vitest';
import type { Objective, TrialState } from '../../../src/shared/types.js';
import { createGpSampler } from '../../../src/main/engine/samplers/gp/sampler.js';
import { stackedRungView, withHighestRung } from '../../../src/main/engine/samplers/multi-fidelity.js';
import type { SamplerContext, TrialView } from '../../../src/main/engine/samplers/types.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { Recording } from './recording.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../../src/main/engine/study/spec.js';

const space = new SearchSpace({ x: { type: 'float', low: 0, high: 1, log: false, step: null, when: null } });
const objectives: Objective[] = [{ metric: 'acc', direction: 'maximize' }];
const ctx = (trials: TrialView[], lowerFidelity?: TrialView[]): SamplerContext => ({ space, objectives, trials, seed: 3, ...(lowerFidelity ? { lowerFidelity } : {}) });

function t(number: number, x: number, budget: number, state: TrialState = 'complete', acc?: number): TrialView {
  return { number, state, params: { x }, values: state === 'complete' ? { acc: acc ?? x } : null, intermediate: new Map(), budget };
}

const numbers = (vs: readonly TrialView[] | undefined): number[] => (vs ?? []).map((v) => v.number);

describe('stackedRungView', () => {
  const low = [0, 1, 2, 3, 4, 5].map((n) => t(n, n / 10, 1));
  const pending = [t(20, 0.9, 9, 'running'), t(21, 0.8, 1, 'queued')];

  it('takes the highest rung with 3 complete results, and the highest rung below it with minResults as the prior', () => {
    const study = [...low, t(6, 0.5, 3), t(7, 0.4, 3), t(8, 0.3, 3, 'failed'), t(9, 0.2, 3), t(10, 0.1, 9), ...pending];
    const s = stackedRungView(study, 4)!;
    expect(numbers(s.view)).toEqual([6, 7, 9, 20, 21]);
    expect(numbers(s.lower)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('stacks nothing while no rung above the full one has 3 results, or the highest rung is full itself', () => {
    expect(stackedRungView([...low, t(6, 0.5, 3), t(7, 0.4, 3), ...pending], 4)).toBeNull();
    expect(stackedRungView([...low, ...[6, 7, 8, 9].map((n) => t(n, n / 10, 3))], 4)).toBeNull();
    expect(stackedRungView(low.slice(0, 3).concat([6, 7, 8].map((n) => t(n, n / 10, 3))), 4)).toBeNull();
  });
});

describe('withHighestRung({stack: true})', () => {
  const study = [...[0, 1, 2, 3, 4, 5].map((n) => t(n, n / 10, 1)), t(6, 0.5, 3), t(7, 0.4, 3), t(8, 0.35, 3), t(9, 0.3, 3, 'running')];

  it('shows the wrapped sampler the stacked rung and hands it the rung below as lowerFidelity', () => {
    const inner = new Recording();
    withHighestRung(inner, { minResults: 4, stack: true }).ask(ctx(study));
    expect(numbers(inner.seen[0]!.trials)).toEqual([6, 7, 8, 9]);
    expect(numbers(inner.seen[0]!.lowerFidelity)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('without stack, learns from the full rung only, as before', () => {
    const inner = new Recording();
    withHighestRung(inner, { minResults: 4 }).ask(ctx(study));
    expect(numbers(inner.seen[0]!.trials)).toEqual([0, 1, 2, 3, 4, 5, 9]);
    expect(inner.seen[0]!.lowerFidelity).toBeUndefined();
  });
});

describe('the GP with a lower fidelity', () => {
  // The rung below peaks at x = 0.7; the three results at the rung itself sit far from it, on the same curve raised.
  const lowCurve = (x: number): number => 0.8 - (x - 0.7) ** 2;
  const lower = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.62, 0.78, 0.85, 0.95].map((x, i) => t(i, x, 1, 'complete', lowCurve(x)));
  const top = [0.1, 0.3, 0.95].map((x, i) => t(10 + i, x, 3, 'complete', lowCurve(x) + 0.1));
  const ask = (lowerFidelity?: TrialView[]): number => {
    const s = createGpSampler({ type: 'gp', options: { n_startup: 3 } }, space).ask(ctx(top, lowerFidelity));
    return s.kind === 'params' ? (s.params.x as number) : NaN;
  };

  it('takes the rung below as its prior mean: it goes where that rung peaked, which three results alone do not show', () => {
    const stacked = ask(lower);
    expect(Math.abs(stacked - 0.7)).toBeLessThan(0.12);
    expect(Math.abs(ask() - 0.7)).toBeGreaterThan(Math.abs(stacked - 0.7));
  });

  it('counts the rung below towards its initial design', () => {
    // n_startup defaults to max(5, d + 1) = 5: three results alone would still get a design point.
    const design = createGpSampler({ type: 'gp', options: {} }, space);
    const a = design.ask(ctx(top));
    const b = createGpSampler({ type: 'gp', options: {} }, space).ask(ctx(top, lower));
    expect(a).not.toEqual(b);
    expect(b.kind === 'params' && Math.abs((b.params.x as number) - 0.7)).toBeLessThan(0.12);
  });
});

describe('stack_rungs in a study file', () => {
  const study = (scheduler: string): string => `name: s
trainer: {command: [python3, train.py, '{x}', '{epochs}']}
search_space:
  x: {type: float, low: 0, high: 1}
objectives: [{metric: acc, direction: maximize}]
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: {type: gp, stack_rungs: true}
scheduler: ${scheduler}
`;
  const parse = (scheduler: string) => parseStudyText(study(scheduler), { file: 's.yaml', format: 'yaml', strategies: STRATEGIES });

  it('is taken under asha and hyperband, and refused where there are no rungs, naming the fix', () => {
    expect(parse('{type: asha}').sampler.options.stack_rungs).toBe(true);
    expect(parse('{type: hyperband}').sampler.options.stack_rungs).toBe(true);
    expect(() => parse('{type: median}')).toThrow(/sampler\.stack_rungs.*scheduler is median; use scheduler: asha \(or hyperband\), or remove stack_rungs/);
  });
});

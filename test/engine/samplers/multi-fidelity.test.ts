// The BOHB-style decorator: a model-based sampler under ASHA learns from the most faithful budget.
import { describe, expect, it } from 'vitest';
import type { Objective, Params, TrialState } from '../../../src/shared/types.js';
import { createGpSampler } from '../../../src/main/engine/samplers/gp/sampler.js';
import { highestRungView, withHighestRung, type HighestRungOptions } from '../../../src/main/engine/samplers/multi-fidelity.js';
import { createSampler } from '../../../src/main/engine/samplers/index.js';
import type { Sampler, SamplerContext, Suggestion, TrialView } from '../../../src/main/engine/samplers/types.js';
import { rungResults } from '../../../src/main/engine/schedulers/arrivals.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { samplerContract } from './sampler-contract.js';
import { askNow, setupFor } from './spaces.js';

samplerContract('withHighestRung(random)', () => withHighestRung(createSampler({ type: 'random', options: {} }, setupFor(new SearchSpace({})))), { seeded: true });

const space = new SearchSpace({ x: { type: 'float', low: 0, high: 1, log: false, step: null, when: null } });
const objectives: Objective[] = [{ metric: 'acc', direction: 'maximize' }];

function t(number: number, x: number, budget: number, state: TrialState = 'complete', acc?: number): TrialView {
  return { number, state, params: { x }, values: state === 'complete' ? { acc: acc ?? x } : null, intermediate: new Map(), budget };
}

/** A sampler that records the trials it was shown and proposes the next of `proposals`. */
class Recording implements Sampler {
  readonly name = 'recording';
  seen: TrialView[][] = [];
  constructor(private readonly proposals: Params[]) {}
  ask(ctx: SamplerContext): Suggestion {
    this.seen.push([...ctx.trials]);
    return { kind: 'params', params: this.proposals[Math.min(this.seen.length - 1, this.proposals.length - 1)]! };
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

describe('highestRungView', () => {
  const study = [
    ...[0, 1, 2, 3, 4].map((n) => t(n, n / 10, 1)),
    t(5, 0.4, 3),
    t(6, 0.3, 3),
    t(7, 0.2, 3, 'failed'),
    t(8, 0.4, 9, 'running'),
    t(9, 0.5, 1, 'queued'),
  ];

  it('keeps the highest budget with enough complete results, plus every pending trial', () => {
    expect(highestRungView(study, 2)!.map((v) => v.number)).toEqual([5, 6, 7, 8, 9]);
    expect(highestRungView(study, 3)!.map((v) => v.number)).toEqual([0, 1, 2, 3, 4, 8, 9]);
  });

  it('falls back to the budget with the most results when none has enough', () => {
    expect(highestRungView(study, 50)!.map((v) => v.number)).toEqual([0, 1, 2, 3, 4, 8, 9]);
  });

  it('filters nothing while every finished trial has one budget', () => {
    expect(highestRungView([t(0, 0.1, 1), t(1, 0.2, 1), t(2, 0.3, 3, 'running')], 1)).toBeNull();
    expect(highestRungView([], 1)).toBeNull();
  });
});

describe('withHighestRung', () => {
  const study = [...[0, 1, 2, 3, 4, 5].map((n) => t(n, n / 10, 1)), t(6, 0.5, 3), t(7, 0.4, 3), t(8, 0.3, 3, 'running')];
  const ctx = (trials: TrialView[]): SamplerContext => ({ space, objectives, trials, seed: 1 });

  it('shows the wrapped sampler the chosen budget and the pending trials, and keeps its name and state', () => {
    const inner = new Recording([{ x: 0.77 }]);
    const s = withHighestRung(inner, { minResults: 2 });
    expect(s.ask(ctx(study))).toEqual({ kind: 'params', params: { x: 0.77 } });
    expect(inner.seen[0]!.map((v) => v.number)).toEqual([6, 7, 8]);
    expect(s.name).toBe('recording');
  });

  it('defaults to BOHB’s d + 3 results (4 for one dimension)', () => {
    const inner = new Recording([{ x: 0.77 }]);
    withHighestRung(inner).ask(ctx(study));
    expect(inner.seen[0]!.map((v) => v.number)).toEqual([0, 1, 2, 3, 4, 5, 8]);
    withHighestRung(inner).ask(ctx([...study, t(9, 0.9, 3), t(10, 0.8, 3)]));
    expect(inner.seen[1]!.map((v) => v.number)).toEqual([6, 7, 8, 9, 10]);
  });

  it('asks again with every trial in view when the suggestion repeats a configuration of another budget', () => {
    const inner = new Recording([{ x: 0.1 }, { x: 0.66 }]);
    const s = withHighestRung(inner, { minResults: 2 });
    expect(s.ask(ctx(study))).toEqual({ kind: 'params', params: { x: 0.66 } });
    expect(inner.seen.map((v) => v.length)).toEqual([3, study.length]);
  });

  it('lets the GP follow the high-budget optimum when low budgets point elsewhere', () => {
    // At budget 1 the best x is near 0.1; at budget 9 it is near 0.8 (what a long run rewards).
    const low = (x: number): number => 1 - (x - 0.1) ** 2;
    const high = (x: number): number => 1 - (x - 0.8) ** 2;
    const trials: TrialView[] = [];
    const xs = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 0.1, 0.2];
    xs.forEach((x, i) => trials.push(t(i, x, 1, 'complete', low(x))));
    [0.2, 0.4, 0.5, 0.6, 0.7, 0.95].forEach((x, i) => trials.push(t(xs.length + i, x, 9, 'complete', high(x))));
    const plain = createGpSampler({ type: 'gp', options: {} }, space).ask(ctx(trials));
    const wrapped = askNow(withHighestRung(createGpSampler({ type: 'gp', options: {} }, space)), ctx(trials));
    expect(plain.kind === 'params' && wrapped.kind === 'params').toBe(true);
    const wx = wrapped.kind === 'params' ? (wrapped.params.x as number) : NaN;
    expect(Math.abs(wx - 0.8)).toBeLessThan(0.15);
    const px = plain.kind === 'params' ? (plain.params.x as number) : NaN;
    expect(Math.abs(px - 0.8)).toBeGreaterThan(Math.abs(wx - 0.8));
  });
});

describe('the model under stop-based successive halving', () => {
  /** The rung results as the campaign wires them from the stop-based scheduler (campaign/strategy.ts). */
  const atRungs = (steps?: number[]): HighestRungOptions =>
    steps ? { rungResults: (trials, objectives) => rungResults(trials, steps, objectives) } : {};
  /** A configuration run in one process at the full budget (9), reporting acc at steps 1..last. */
  function oneProcess(number: number, x: number, state: TrialState, curve: number[], seqBase: number): TrialView {
    const progress = new Map(curve.map((acc, i) => [i + 1, { seq: seqBase + i, values: { acc } }] as const));
    return {
      number,
      state,
      params: { x },
      values: state === 'complete' || state === 'pruned' ? { acc: curve.at(-1)! } : null,
      intermediate: new Map(curve.map((acc, i) => [i + 1, acc] as const)),
      progress,
      budget: 9,
    };
  }

  it('learns from the rung results that promotion would have produced: reports at the rung steps', () => {
    const stop = [
      oneProcess(0, 0.1, 'pruned', [0.5], 0),
      oneProcess(1, 0.2, 'complete', [0.6, 0.65, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.8], 10),
      oneProcess(2, 0.3, 'pruned', [0.55, 0.6, 0.61], 20),
      oneProcess(3, 0.4, 'running', [0.7, 0.72, 0.75, 0.76], 30),
      oneProcess(4, 0.5, 'running', [], 40),
    ];
    // The same study under promotion: each rung result a complete trial at that budget.
    const promote = [t(0, 0.1, 1, 'complete', 0.5), t(1, 0.2, 1, 'complete', 0.6), t(2, 0.3, 1, 'complete', 0.55), t(3, 0.4, 1, 'complete', 0.7)];
    promote.push(t(5, 0.2, 3, 'complete', 0.7), t(6, 0.3, 3, 'complete', 0.61), t(7, 0.4, 3, 'complete', 0.75), t(8, 0.2, 9, 'complete', 0.8));
    promote.push(t(9, 0.5, 1, 'running'));
    const shown = (trials: TrialView[], rungSteps?: number[]): string[] => {
      const rec = new Recording([{ x: 0.9 }]);
      withHighestRung(rec, { minResults: 3, ...atRungs(rungSteps) }).ask({ space, objectives, trials, seed: 0 });
      return rec.seen[0]!.filter((v) => v.state === 'complete').map((v) => `x=${v.params.x}@${v.budget}: ${v.values!.acc}`).sort();
    };
    // Rung 3 is the highest with 3 results, under either form.
    expect(shown(stop, [1, 3])).toEqual(['x=0.2@3: 0.7', 'x=0.3@3: 0.61', 'x=0.4@3: 0.75']);
    expect(shown(stop, [1, 3])).toEqual(shown(promote));
    // Pending trials stay in view, so the model steers away from work in progress.
    const rec = new Recording([{ x: 0.9 }]);
    withHighestRung(rec, { minResults: 3, ...atRungs([1, 3]) }).ask({ space, objectives, trials: stop, seed: 0 });
    expect(rec.seen[0]!.filter((v) => v.state === 'running').map((v) => v.number)).toEqual([3, 4]);
  });

  it('learns from the first rung while it is the only one with results', () => {
    const stop = [oneProcess(0, 0.1, 'pruned', [0.5], 0), oneProcess(1, 0.2, 'running', [0.6], 10)];
    const rec = new Recording([{ x: 0.9 }]);
    withHighestRung(rec, { minResults: 5, ...atRungs([1, 3]) }).ask({ space, objectives, trials: stop, seed: 0 });
    expect(rec.seen[0]!.filter((v) => v.state === 'complete').map((v) => [v.params.x, v.budget, v.values!.acc])).toEqual([
      [0.1, 1, 0.5],
      [0.2, 1, 0.6],
    ]);
  });
});

describe('the cost-aware model under stop-based successive halving', () => {
  /** A finished configuration of one process: acc reports at steps 1..n and the energy it measured in all. */
  function measured(number: number, x: number, curve: number[], joules: number | null, state: TrialState = 'pruned'): TrialView {
    const progress = new Map(curve.map((acc, i) => [i + 1, { seq: number * 100 + i, values: { acc } }] as const));
    return {
      number,
      state,
      params: { x },
      values: { acc: curve.at(-1)! },
      intermediate: new Map(curve.map((acc, i) => [i + 1, acc] as const)),
      progress,
      budget: 9,
      metrics: joules === null ? undefined : { energy_j: joules },
    };
  }

  it("prices each rung result at its rung's share of the trial's measured joules", () => {
    const trials = [measured(0, 0.1, [0.5, 0.6, 0.62], 30), measured(1, 0.2, [0.4], 8), measured(2, 0.3, [0.45, 0.5], null)];
    const results = rungResults(trials, [1, 3], objectives).filter((v) => v.budget !== 9);
    expect(results.map((v) => [v.number, v.budget, v.metrics?.energy_j])).toEqual([
      [0, 1, 10],
      [0, 3, 30],
      [1, 1, 8],
      [2, 1, undefined],
    ]);
  });

  it('fits the energy model on configurations stopped at a rung (EI per joule, not the plain-EI fallback)', () => {
    // Ten configurations stopped at rung 1 (none complete): without rung energies the energy model has no data.
    const trials = Array.from({ length: 10 }, (_, i) => measured(i, i / 10 + 0.05, [0.5 + 0.01 * i], 5 + 20 * (i / 10)));
    const gp = createGpSampler({ type: 'gp', options: { cost_aware: true, n_startup: 5 } }, space);
    const sampler = withHighestRung(gp, { minResults: 3, rungResults: (ts, objs) => rungResults(ts, [1, 3], objs) });
    expect(askNow(sampler, { space, objectives, trials, seed: 1 }).kind).toBe('params');
    // The reason the last suggestion used plain EI; null when it was EI per joule.
    expect(gp.lastCostFallbackReason).toBeNull();
  });
});

// `joint_fidelity`: under a multi-fidelity scheduler the GP learns from every rung's results at once, the
// budget one more input of the model, and suggests for the top budget.
import { describe, expect, it } from 'vitest';
import type { Objective, Params, TrialState } from '../../../src/shared/types.js';
import { levelBudgets } from '../../../src/main/engine/samplers/gp/budget-input.js';
import { createGpSampler } from '../../../src/main/engine/samplers/gp/sampler.js';
import { withHighestRung } from '../../../src/main/engine/samplers/multi-fidelity.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { Recording } from './recording.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../../src/main/engine/study/spec.js';
import { epochsStudyYaml, runStudyYaml } from '../../helpers/campaign.js';
import { tempDir } from '../../helpers/cli.js';

const space = new SearchSpace({ x: { type: 'float', low: 0, high: 1, log: false, step: null, when: null } });
const objectives: Objective[] = [{ metric: 'acc', direction: 'maximize' }];
const range = { min: 1, max: 9 };

function t(number: number, x: number, budget: number, acc: number, state: TrialState = 'complete'): TrialView {
  return { number, state, params: { x }, values: state === 'complete' ? { acc } : null, intermediate: new Map(), budget };
}

// After 1 epoch the best x is 0.9 (a learning rate that wins early); after 9 epochs it is 0.3.
const early = (x: number): number => 0.85 - 0.2 * (x - 0.9) ** 2;
const late = (x: number): number => 0.96 - 0.3 * (x - 0.3) ** 2;
const grid = [0.02, 0.1, 0.18, 0.26, 0.35, 0.44, 0.52, 0.6, 0.68, 0.76, 0.84, 0.92, 0.98];
const rung1 = grid.map((x, i) => t(i, x, 1, early(x)));
const top = [0.1, 0.5, 0.95].map((x, i) => t(20 + i, x, 9, late(x)));

function ask(trials: TrialView[], fidelity?: { min: number; max: number }): Params {
  const s = createGpSampler({ type: 'gp', options: { n_startup: 3 } }, space).ask({ space, objectives, trials, seed: 5, ...(fidelity ? { fidelity } : {}) });
  if (s.kind !== 'params') throw new Error(`no suggestion: ${JSON.stringify(s)}`);
  return s.params;
}

describe('the GP with the budget as an input', () => {
  it('lets three top-budget results overrule thirteen 1-epoch ones where they disagree', () => {
    const joint = ask([...rung1, ...top], range);
    expect(Object.keys(joint)).toEqual(['x']);
    // The 1-epoch rung alone sends it to its own peak; the joint model goes between the top results' best two.
    expect(ask(rung1).x as number).toBeGreaterThan(0.75);
    expect(joint.x as number).toBeLessThan(0.6);
  });

  it('borrows the shape from the cheap rung where the budgets agree up to an offset', () => {
    // Top results on the same curve as rung 1, raised: two of them, both far from the peak at 0.9.
    const raised = [0.1, 0.35].map((x, i) => t(20 + i, x, 9, early(x) + 0.1));
    const joint = ask([...rung1, ...raised], range);
    expect(Math.abs((joint.x as number) - 0.9)).toBeLessThan(0.15);
  });

  it('never suggests a configuration already tried at any budget', () => {
    // Six settings, five tried, the best of them at x = 0: the model would go back there if a tried
    // configuration at another budget were not known as tried.
    const small = new SearchSpace({ x: { type: 'int', low: 0, high: 5, log: false, step: 1, when: null } });
    const score = (x: number, budget: number): number => 0.9 - 0.05 * x + 0.01 * budget;
    const trials = [0, 1, 2, 3, 4].flatMap((x, i) => [t(i, x, 1, score(x, 1)), ...(x < 2 ? [t(i, x, 9, score(x, 9))] : [])]);
    for (const seed of [1, 2, 3]) {
      const s = createGpSampler({ type: 'gp', options: { n_startup: 3 } }, small).ask({ space: small, objectives, trials, seed, fidelity: range });
      expect(s).toEqual({ kind: 'params', params: { x: 5 } });
    }
  });
});

describe('levelBudgets', () => {
  const key = (p: Params): string => space.key(p);
  const gp = (v: TrialView) => ({ number: v.number, state: v.state, params: v.params, values: v.values, budget: v.budget });
  const acc = (ts: readonly { values: Record<string, number> | null }[]): number[] => ts.map((v) => Math.round(v.values!.acc! * 1000) / 1000);

  it('moves each budget by the mean gain of the configurations that reached the next budget up, chained to the top', () => {
    const trials = [t(0, 0.1, 1, 0.5), t(0, 0.1, 3, 0.7), t(0, 0.1, 9, 0.9), t(1, 0.2, 1, 0.6), t(1, 0.2, 3, 0.8), t(2, 0.3, 1, 0.4), t(3, 0.4, 9, 0.95)].map(gp);
    const levelled = levelBudgets(trials, objectives, key);
    // 1 -> 3: gains 0.2 and 0.2; 3 -> 9: 0.2 (one pair). So rung 1 moves up 0.4, rung 3 up 0.2, the top stays.
    expect(acc(levelled)).toEqual([0.9, 0.9, 0.9, 1.0, 1.0, 0.8, 0.95]);
    expect(levelled.map((v) => v.budget)).toEqual(trials.map((v) => v.budget));
  });

  it('leaves a gap no configuration spans, pending trials, and a single configuration as they are', () => {
    const trials = [t(0, 0.1, 1, 0.5), t(1, 0.2, 1, 0.6), t(2, 0.3, 9, 0.9), t(3, 0.4, 9, 0, 'running')].map(gp);
    expect(acc(levelBudgets(trials, objectives, key).slice(0, 3))).toEqual([0.5, 0.6, 0.9]);
    const one = [t(0, 0.1, 1, 0.5), t(0, 0.1, 9, 0.9)].map(gp);
    expect(acc(levelBudgets(one, objectives, key))).toEqual([0.5, 0.9]);
  });
});

describe('withHighestRung({joint})', () => {
  it('shows the model every rung result, the pending and failed trials, and the fidelity range', () => {
    const study = [...rung1.slice(0, 4), t(30, 0.5, 3, 0.9), t(31, 0.6, 9, 0.95), t(32, 0.7, 9, 0, 'running'), t(33, 0.8, 1, 0, 'failed')];
    const inner = new Recording();
    withHighestRung(inner, { joint: range }).ask({ space, objectives, trials: study, seed: 1 });
    expect(inner.seen[0]!.trials.map((v) => v.number)).toEqual([0, 1, 2, 3, 30, 31, 32, 33]);
    expect(inner.seen[0]!.fidelity).toEqual(range);
  });

  it('under stop-based halving, reads each configuration at each rung from its reports', () => {
    const running: TrialView = { ...t(40, 0.4, 9, 0, 'running'), intermediate: new Map([[1, 0.8], [2, 0.82], [3, 0.86]]) };
    const inner = new Recording();
    const rungResults = (trials: readonly TrialView[]): TrialView[] => [
      ...trials.flatMap((v) => [...v.intermediate].filter(([s]) => s === 1 || s === 3).map(([s, acc]) => ({ ...v, state: 'complete' as const, values: { acc }, budget: s }))),
      ...trials,
    ];
    withHighestRung(inner, { joint: range, rungResults }).ask({ space, objectives, trials: [running], seed: 1 });
    expect(inner.seen[0]!.trials.map((v) => [v.state, v.budget])).toEqual([
      ['complete', 1],
      ['complete', 3],
      ['running', 9],
    ]);
  });
});

describe('joint_fidelity in a study file', () => {
  const study = (sampler: string, scheduler: string, objectivesYaml = '[{metric: acc, direction: maximize}]'): string => `name: s
trainer: {command: [python3, train.py, '{x}', '{epochs}']}
search_space:
  x: {type: float, low: 0, high: 1}
objectives: ${objectivesYaml}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: ${sampler}
scheduler: ${scheduler}
`;
  const parse = (sampler: string, scheduler: string, objectivesYaml?: string) =>
    parseStudyText(study(sampler, scheduler, objectivesYaml), { file: 's.yaml', format: 'yaml', strategies: STRATEGIES });

  it('is taken under asha and hyperband, and absent (off) unless set', () => {
    expect(parse('{type: gp, joint_fidelity: true}', '{type: asha}').sampler.options.joint_fidelity).toBe(true);
    expect(parse('{type: gp, joint_fidelity: true}', '{type: hyperband}').sampler.options.joint_fidelity).toBe(true);
    expect(parse('{type: gp}', '{type: asha}').sampler.options.joint_fidelity).toBeUndefined();
  });

  it('is refused where it would do nothing or the wrong thing, naming the fix', () => {
    expect(() => parse('{type: gp, joint_fidelity: true}', '{type: median}')).toThrow(/sampler\.joint_fidelity.*scheduler is median; use scheduler: asha \(or hyperband\), or remove joint_fidelity/);
    expect(() => parse('{type: gp, joint_fidelity: true, stack_rungs: true}', '{type: asha}')).toThrow(/joint_fidelity and stack_rungs .* keep one/);
    expect(() => parse('{type: gp, joint_fidelity: true}', '{type: asha}', '[{metric: acc, direction: maximize}, {metric: energy_j, direction: minimize}]')).toThrow(
      /joint_fidelity models one objective, this study has 2/,
    );
  });
});

describe('a stop-based ASHA campaign with joint_fidelity', () => {
  it('runs through the real engine: the GP suggests from every rung, trials hold only the study parameters, and it homes in', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const { store, result, trials } = await runStudyYaml(
      dir,
      epochsStudyYaml({ name: 'joint', sampler: '{type: gp, joint_fidelity: true, n_startup: 3}', scheduler: '{type: asha, mode: stop}', trials: 10, seed: 4, epochMs: 20 }),
      { emit: (e) => void (e.type === 'log' && warnings.push(e.message)) },
    );
    expect(result.state).toBe('finished');
    store.close();
    expect(trials).toHaveLength(10);
    expect(trials.every((t) => Object.keys(t.params).join() === 'x' && t.budget === 9)).toBe(true);
    // The GP took over after the design (no fallback to quasi-random was logged).
    expect(warnings.filter((m) => /fell back to quasi-random/.test(m))).toEqual([]);
    // The fixture's score peaks at x = 0.3 whatever the epoch: the model's suggestions close in on it.
    const chosen = trials.slice(3).map((t) => Math.abs((t.params.x as number) - 0.3));
    expect(Math.min(...chosen)).toBeLessThan(0.05);
  }, 120_000);
});

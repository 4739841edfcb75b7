// Cost awareness of the GP sampler: with energy per trial it should buy similar results for much less
// energy when a parameter drives energy but hardly the objective; with no energy (or an energy model that
// cannot be fitted) it must choose exactly what plain log EI chooses.
import { describe, expect, it } from 'vitest';
import type { Objective, Params } from '../../../../src/shared/types.js';
import { TrialViews } from '../../../../src/main/engine/campaign/views.js';
import { createGpSampler } from '../../../../src/main/engine/samplers/gp/sampler.js';
import type { Sampler, TrialView } from '../../../../src/main/engine/samplers/types.js';
import type { TrialRecord } from '../../../../src/main/engine/storage/types.js';
import { StudySpecError } from '../../../../src/main/engine/study/errors.js';
import { SearchSpace } from '../../../../src/main/engine/study/space.js';
import { askNow } from '../spaces.js';
import { branin, floatParam, median } from './helpers.js';
import { trialRecord } from '../../../helpers/trial-record.js';

const MIN_Y: Objective[] = [{ metric: 'y', direction: 'minimize' }];
const BRANIN_MIN = 0.397887;
const space = new SearchSpace({ x1: floatParam(-5, 10), x2: floatParam(0, 15), width: floatParam(0, 1) });

/** Branin plus a barely noticeable width term; energy grows 55x from width 0 to 1. */
function evaluate(p: Params): { y: number; energy_j: number } {
  const w = p.width as number;
  return { y: branin(p) + 0.2 * (w - 0.5) ** 2, energy_j: 2 * Math.exp(4 * w) };
}

/** Sequential study where each finished trial carries its energy as a measured metric (as the engine's views do). */
function run(sampler: Sampler, evals: number, seed: number, withEnergy = true): TrialView[] {
  const trials: TrialView[] = [];
  for (let i = 0; i < evals; i++) {
    const s = askNow(sampler, { space, objectives: MIN_Y, trials, seed });
    if (s.kind !== 'params') throw new Error(`unexpected exhaustion: ${s.reason}`);
    const { y, energy_j } = evaluate(s.params);
    const metrics: Record<string, number> = withEnergy ? { y, energy_j } : { y };
    trials.push({ number: i, state: 'complete', params: s.params, values: { y }, intermediate: new Map(), budget: null, metrics });
  }
  return trials;
}

describe('cost-aware GP sampler', () => {
  it('proposes much cheaper configurations than plain EI at a similar objective (30 evaluations, 3 seeds)', () => {
    const startup = 5; // max(5, d + 1) for d = 3
    const energy = { plain: [] as number[], perJoule: [] as number[] };
    const best = { plain: [] as number[], perJoule: [] as number[] };
    for (const seed of [11, 12, 13]) {
      for (const mode of ['plain', 'perJoule'] as const) {
        const sampler = createGpSampler({ type: 'gp', options: { cost_aware: mode === 'perJoule', candidates: 512 } }, space);
        const trials = run(sampler, 30, seed);
        expect(sampler.fallbacks).toBe(0);
        if (mode === 'perJoule') expect(sampler.lastCostFallbackReason).toBeNull();
        energy[mode].push(median(trials.slice(startup).map((t) => t.metrics!.energy_j!)));
        best[mode].push(Math.min(...trials.map((t) => t.values!.y!)) - BRANIN_MIN);
      }
    }
    expect(median(energy.perJoule)).toBeLessThan(0.4 * median(energy.plain));
    // Similar objective: the best found stays close to plain EI's (width 0 alone costs 0.05 of regret).
    expect(median(best.perJoule)).toBeLessThan(median(best.plain) + 0.1);
    expect(median(best.perJoule)).toBeLessThan(0.15);
  });

  it('still pays for an expensive configuration when the objective needs it (EI is capped, not just divided)', () => {
    // The optimum needs width 0.8, which costs e^9.6 times width 0: EI per joule alone would keep buying
    // cheap widths whose EI is negligible (median regret 2.1 measured without the cap).
    const regret: number[] = [];
    for (const seed of [11, 12, 13]) {
      const sampler = createGpSampler({ type: 'gp', options: { cost_aware: true, candidates: 512 } }, space);
      const trials: TrialView[] = [];
      for (let i = 0; i < 30; i++) {
        const a = sampler.ask({ space, objectives: MIN_Y, trials, seed });
        if (a.kind !== 'params') throw new Error('exhausted');
        const w = a.params.width as number;
        const y = branin(a.params) + 20 * (w - 0.8) ** 2;
        trials.push({ number: i, state: 'complete', params: a.params, values: { y }, intermediate: new Map(), budget: null, metrics: { y, energy_j: 2 * Math.exp(12 * w) } });
      }
      regret.push(Math.min(...trials.map((t) => t.values!.y!)) - BRANIN_MIN);
    }
    expect(median(regret)).toBeLessThan(0.6);
  });

  it('is switched on by an energy budget in a single-objective study, and not in a multi-objective one', () => {
    const plain = run(createGpSampler({ type: 'gp', options: {} }, space), 12, 3);
    const budget = run(createGpSampler({ type: 'gp', options: {} }, space, { energyBudget: true }), 12, 3);
    const keys = (ts: TrialView[]) => ts.map((t) => space.key(t.params));
    expect(keys(budget)).not.toEqual(keys(plain));
    const energyOf = (ts: TrialView[]) => ts.slice(6).reduce((s, t) => s + t.metrics!.energy_j!, 0);
    expect(energyOf(budget)).toBeLessThan(energyOf(plain));

    const two: Objective[] = [...MIN_Y, { metric: 'z', direction: 'minimize' }];
    const moPlain = createGpSampler({ type: 'gp', options: { candidates: 128 } }, space, { objectives: two });
    const moBudget = createGpSampler({ type: 'gp', options: { candidates: 128 } }, space, { objectives: two, energyBudget: true });
    const mo = (s: Sampler) => {
      const trials: TrialView[] = [];
      for (let i = 0; i < 8; i++) {
        const a = askNow(s, { space, objectives: two, trials, seed: 4 });
        if (a.kind !== 'params') throw new Error('exhausted');
        const e = evaluate(a.params);
        trials.push({ number: i, state: 'complete', params: a.params, values: { y: e.y, z: (a.params.x1 as number) ** 2 }, intermediate: new Map(), budget: null, metrics: e });
      }
      return keys(trials);
    };
    expect(mo(moBudget)).toEqual(mo(moPlain));
  });

  it('chooses exactly what plain log EI chooses when no trial has energy_j', () => {
    const plain = run(createGpSampler({ type: 'gp', options: { candidates: 256 } }, space), 10, 21, false);
    const sampler = createGpSampler({ type: 'gp', options: { candidates: 256, cost_aware: true } }, space);
    const aware = run(sampler, 10, 21, false);
    expect(aware.map((t) => t.params)).toEqual(plain.map((t) => t.params));
    expect(sampler.lastCostFallbackReason).toMatch(/0 finished trials have energy_j/);
  });

  it('falls back to plain log EI, with the reason reported, when the energy model cannot be fitted', () => {
    const reasons: string[] = [];
    const constantEnergy = (s: Sampler): TrialView[] => {
      const trials: TrialView[] = [];
      for (let i = 0; i < 9; i++) {
        const a = askNow(s, { space, objectives: MIN_Y, trials, seed: 8 });
        if (a.kind !== 'params') throw new Error('exhausted');
        const y = evaluate(a.params).y;
        trials.push({ number: i, state: 'complete', params: a.params, values: { y }, intermediate: new Map(), budget: null, metrics: { y, energy_j: 40 } });
      }
      return trials;
    };
    const plain = constantEnergy(createGpSampler({ type: 'gp', options: { candidates: 256 } }, space));
    const sampler = createGpSampler({ type: 'gp', options: { candidates: 256, cost_aware: true } }, space, { onCostFallback: (r) => reasons.push(r) });
    const aware = constantEnergy(sampler);
    expect(aware.map((t) => t.params)).toEqual(plain.map((t) => t.params));
    expect(sampler.fallbacks).toBe(0);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons[0]).toMatch(/energy model: all \d+ observed values are identical/);
  });

  it('validates the option', () => {
    expect(() => createGpSampler({ type: 'gp', options: { cost_aware: 'yes' } }, space)).toThrow(/sampler\.cost_aware.*true or false/);
    const two: Objective[] = [...MIN_Y, { metric: 'energy_j', direction: 'minimize' }];
    let err: unknown = null;
    try {
      createGpSampler({ type: 'gp', options: { cost_aware: true } }, space, { objectives: two });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StudySpecError);
    expect((err as Error).message).toMatch(/sampler\.cost_aware.*single objective/);
  });

  it('gives samplers the energy of finished trials through the campaign views', () => {
    const views = new TrialViews('y');
    const record = (state: TrialRecord['state'], values: Record<string, number>, metrics: Record<string, number>): TrialRecord =>
      trialRecord({ state, params: { x1: 0, x2: 0, width: 0.5 }, values, metrics, lineage: { kind: 'sampler', parentId: null, parentNumber: null, detail: 'gp' } });
    expect(views.upsert(record('running', {}, {})).metrics).toBeUndefined();
    const done = views.upsert(record('complete', { y: 1.5 }, { energy_j: 120, y: 9 }));
    expect(done.metrics).toEqual({ energy_j: 120, y: 1.5 });
    expect(views.all()[0]!.metrics!.energy_j).toBe(120);
  });
});

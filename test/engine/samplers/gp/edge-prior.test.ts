// `edge_prior`: a prior mean rising towards the edges keeps expected improvement off unexplored corners,
// and still follows the data where they say an edge is best.
import { describe, expect, it } from 'vitest';
import type { Objective } from '../../../../src/shared/types.js';
import { createGpSampler } from '../../../../src/main/engine/samplers/gp/sampler.js';
import type { TrialView } from '../../../../src/main/engine/samplers/types.js';
import { SearchSpace } from '../../../../src/main/engine/study/space.js';
import { STRATEGIES } from '../../../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../../../src/main/engine/study/spec.js';
import { gpOptionStudy } from './helpers.js';

const space = new SearchSpace({
  x: { type: 'float', low: 0, high: 1, log: false, step: null, when: null },
  y: { type: 'float', low: 0, high: 1, log: false, step: null, when: null },
});
const objectives: Objective[] = [{ metric: 'acc', direction: 'maximize' }];

function t(number: number, x: number, y: number, acc: number): TrialView {
  return { number, state: 'complete', params: { x, y }, values: { acc }, intermediate: new Map(), budget: null };
}

function ask(trials: TrialView[], edge: boolean, seed: number): { x: number; y: number } {
  const s = createGpSampler({ type: 'gp', options: { n_startup: 3, ...(edge ? { edge_prior: true } : {}) } }, space).ask({ space, objectives, trials, seed });
  if (s.kind !== 'params') throw new Error(JSON.stringify(s));
  return s.params as { x: number; y: number };
}

const distanceToEdge = (p: { x: number; y: number }): number => Math.min(p.x, 1 - p.x, p.y, 1 - p.y);

describe('the GP with edge_prior', () => {
  // A gentle hill in the middle, sampled only there: nothing is known about the edges.
  const hill = (x: number, y: number): number => 0.9 - 0.1 * ((x - 0.5) ** 2 + (y - 0.5) ** 2);
  const middle = [
    [0.35, 0.4],
    [0.6, 0.35],
    [0.45, 0.62],
    [0.65, 0.6],
    [0.5, 0.5],
    [0.4, 0.52],
  ].map(([x, y], i) => t(i, x!, y!, hill(x!, y!)));

  it('keeps off the unexplored edges, where the plain GP goes', () => {
    const seeds = [1, 2, 3, 4, 5];
    const plain = seeds.map((s) => distanceToEdge(ask(middle, false, s)));
    const edge = seeds.map((s) => distanceToEdge(ask(middle, true, s)));
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(edge)).toBeGreaterThan(mean(plain));
    expect(Math.min(...edge)).toBeGreaterThan(0.05);
  });

  it('still goes to an edge that the data show is best', () => {
    // Rising steadily towards x = 1, sampled up to 0.9.
    const ramp = [0.1, 0.3, 0.5, 0.7, 0.8, 0.9].map((x, i) => t(i, x, 0.5, 0.5 + 0.4 * x));
    expect(ask(ramp, true, 1).x).toBeGreaterThan(0.85);
  });

  it('is a study option of the gp sampler', () => {
    const spec = parseStudyText(gpOptionStudy('edge_prior: true'), { file: 's.yaml', format: 'yaml', strategies: STRATEGIES });
    expect(spec.sampler.options.edge_prior).toBe(true);
  });
});

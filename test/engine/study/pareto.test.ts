import { describe, expect, it } from 'vitest';
import type { Direction, Objective } from '../../../src/shared/types.js';
import { Rng } from '../../../src/main/engine/samplers/rng.js';
import { bestTrials, dominates, nonDominatedSort, paretoFront } from '../../../src/main/engine/study/pareto.js';

/** Fronts by repeated peeling: front k = the points no remaining point dominates. O(N^3), obviously right. */
function bruteForceFronts(points: number[][], directions: Direction[]): number[][] {
  const better = (a: number, b: number, d: Direction) => (d === 'maximize' ? a > b : a < b);
  const dom = (a: number[], b: number[]) =>
    directions.every((d, k) => a[k] === b[k] || better(a[k]!, b[k]!, d)) && directions.some((d, k) => better(a[k]!, b[k]!, d));
  let remaining = points.map((_, i) => i);
  const fronts: number[][] = [];
  while (remaining.length > 0) {
    const front = remaining.filter((i) => !remaining.some((j) => dom(points[j]!, points[i]!)));
    fronts.push(front);
    remaining = remaining.filter((i) => !front.includes(i));
  }
  return fronts;
}

describe('dominates', () => {
  it('respects each objective direction and needs one strict improvement', () => {
    const dirs: Direction[] = ['maximize', 'minimize'];
    expect(dominates([0.9, 10], [0.8, 20], dirs)).toBe(true);
    expect(dominates([0.9, 20], [0.8, 10], dirs)).toBe(false);
    expect(dominates([0.9, 10], [0.9, 10], dirs)).toBe(false);
    expect(dominates([0.9, 10], [0.9, 11], dirs)).toBe(true);
    expect(dominates([0.8, 20], [0.9, 10], dirs)).toBe(false);
    expect(dominates([1], [2], ['minimize'])).toBe(true);
    expect(dominates([1], [2], ['maximize'])).toBe(false);
  });
});

describe('nonDominatedSort', () => {
  it('agrees with a brute-force peeling on random points (ties included), for 2 and 3 objectives', () => {
    const rng = new Rng(2024);
    const cases: Direction[][] = [
      ['minimize', 'minimize'],
      ['maximize', 'minimize'],
      ['maximize', 'minimize', 'maximize'],
    ];
    for (const directions of cases) {
      for (let trial = 0; trial < 20; trial++) {
        const n = 1 + rng.int(60);
        // Integer coordinates make ties and duplicate points common.
        const points = Array.from({ length: n }, () => directions.map(() => rng.int(8)));
        const fronts = nonDominatedSort(points, directions);
        expect(fronts).toEqual(bruteForceFronts(points, directions));
        expect(fronts.flat().sort((a, b) => a - b)).toEqual(points.map((_, i) => i));
        expect(paretoFront(points, directions)).toEqual(fronts[0]);
      }
    }
  });

  it('returns no fronts for no points', () => {
    expect(nonDominatedSort([], ['minimize'])).toEqual([]);
    expect(paretoFront([], ['minimize'])).toEqual([]);
  });
});

describe('bestTrials', () => {
  type T = { id: string; state: string; values: Record<string, number> | null };
  const t = (id: string, values: Record<string, number> | null, state = 'complete'): T => ({ id, state, values });

  it('one objective: the single best complete trial, the earliest on ties', () => {
    const trials = [
      t('a', { acc: 0.8 }),
      t('b', { acc: 0.95 }, 'pruned'),
      t('c', { acc: 0.9 }),
      t('d', { acc: 0.9 }),
      t('e', { acc: 0.99 }, 'running'),
      t('f', null),
      t('g', { loss: 0.1 }),
    ];
    expect(bestTrials(trials, [{ metric: 'acc', direction: 'maximize' }]).map((x) => x.id)).toEqual(['c']);
    expect(bestTrials(trials, [{ metric: 'acc', direction: 'minimize' }]).map((x) => x.id)).toEqual(['a']);
    expect(bestTrials([t('a', { acc: 1 }, 'failed')], [{ metric: 'acc', direction: 'maximize' }])).toEqual([]);
  });

  it('two objectives: the Pareto set of complete trials, in trial order', () => {
    const objectives: Objective[] = [
      { metric: 'acc', direction: 'maximize' },
      { metric: 'energy_j', direction: 'minimize' },
    ];
    const trials = [
      t('cheap', { acc: 0.8, energy_j: 100 }),
      t('dominated', { acc: 0.79, energy_j: 150 }),
      t('accurate', { acc: 0.95, energy_j: 900 }),
      t('middle', { acc: 0.9, energy_j: 300 }),
      t('pruned-great', { acc: 0.99, energy_j: 1 }, 'pruned'),
      t('twin', { acc: 0.9, energy_j: 300 }),
      t('worse-middle', { acc: 0.9, energy_j: 301 }),
      t('no-energy', { acc: 1 }),
    ];
    expect(bestTrials(trials, objectives).map((x) => x.id)).toEqual(['cheap', 'accurate', 'middle', 'twin']);
  });
});

// Exact hypervolume against a brute-force computation on the grid the points' coordinates span: every grid
// cell is either entirely dominated or not, so summing dominated cells is exact (and obviously correct).
import { describe, expect, it } from 'vitest';
import { dominates, hypervolume, nonDominatedIndices, type Point } from '../../../src/main/engine/study/hypervolume.js';
import { Rng } from '../../../src/main/engine/samplers/rng.js';

function bruteForce(points: readonly Point[], ref: Point): number {
  const m = ref.length;
  const axes = Array.from({ length: m }, (_, k) => [...new Set([...points.map((p) => p[k]!).filter((v) => v < ref[k]!), ref[k]!])].sort((a, b) => a - b));
  let total = 0;
  const walk = (k: number, corner: number[], volume: number): void => {
    if (k === m) {
      if (points.some((p) => p.every((v, j) => v <= corner[j]!))) total += volume;
      return;
    }
    const axis = axes[k]!;
    for (let i = 0; i + 1 < axis.length; i++) walk(k + 1, [...corner, axis[i]!], volume * (axis[i + 1]! - axis[i]!));
  };
  walk(0, [], 1);
  return total;
}

function randomPoints(rng: Rng, n: number, m: number, integer: boolean): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: m }, () => (integer ? rng.int(6) : rng.uniform())));
}

describe('hypervolume', () => {
  it('known 2D and 3D values', () => {
    expect(hypervolume([[1, 2], [2, 1]], [3, 3])).toBe(3);
    expect(hypervolume([[0, 0, 0]], [1, 2, 3])).toBe(6);
    expect(hypervolume([[1, 1, 1], [0, 2, 2]], [3, 3, 3])).toBe(8 + 3 - 2);
    // Points outside the reference box add nothing.
    expect(hypervolume([[4, 0], [1, 5]], [3, 3])).toBe(0);
  });

  for (const m of [2, 3]) {
    it(`${m} objectives: equals brute force on 200 random sets (ties and dominated points included)`, () => {
      const rng = new Rng(m);
      for (let trial = 0; trial < 200; trial++) {
        const points = randomPoints(rng, 1 + rng.int(12), m, trial % 2 === 0);
        const ref = Array.from({ length: m }, () => (trial % 2 === 0 ? 5 : 1));
        expect(hypervolume(points, ref)).toBeCloseTo(bruteForce(points, ref), 10);
      }
    });
  }

  it('rejects points of the wrong length and more than 3 objectives', () => {
    expect(() => hypervolume([[1, 2, 3]], [4, 4])).toThrow(RangeError);
    expect(() => hypervolume([[1, 1, 1, 1]], [2, 2, 2, 2])).toThrow(RangeError);
  });
});

describe('non-dominated filtering', () => {
  it('keeps exactly the points no other point dominates, one of each duplicate', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 50; trial++) {
      const points = randomPoints(rng, 15, 2 + (trial % 2), true);
      const kept = new Set(nonDominatedIndices(points));
      points.forEach((p, i) => {
        const dominated = points.some((q) => dominates(q, p));
        const earlierTwin = points.slice(0, i).some((q) => q.every((v, k) => v === p[k]));
        expect(kept.has(i)).toBe(!dominated && !earlierTwin);
      });
      // Dropping dominated points never changes the hypervolume.
      const ref = points[0]!.map(() => 6);
      expect(hypervolume([...kept].map((i) => points[i]!), ref)).toBeCloseTo(hypervolume(points, ref), 10);
    }
  });
});

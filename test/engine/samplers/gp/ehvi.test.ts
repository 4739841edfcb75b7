// Expected hypervolume improvement in closed form against its definition: Monte Carlo over the
// posterior, each sample's improvement computed with the exact hypervolume.
import { describe, expect, it } from 'vitest';
import { NonDominatedBoxes } from '../../../../src/main/engine/samplers/gp/acquisition.js';
import { Rng } from '../../../../src/main/engine/samplers/rng.js';
import { hypervolume, nonDominatedIndices } from '../../../../src/main/engine/study/hypervolume.js';

function randomFront(rng: Rng, n: number, m: number): number[][] {
  const pts = Array.from({ length: n }, () => Array.from({ length: m }, () => rng.uniform()));
  return nonDominatedIndices(pts).map((i) => pts[i]!);
}

describe('EHVI on the non-dominated box decomposition', () => {
  for (const m of [2, 3]) {
    it(`${m} objectives: the boxes tile exactly the non-dominated part of the reference box`, () => {
      const rng = new Rng(10 + m);
      const front = randomFront(rng, 12, m);
      const ref = new Array<number>(m).fill(1.1);
      const boxes = new NonDominatedBoxes(front, ref);
      let volume = 0;
      for (let b = 0; b < boxes.count; b++) {
        let v = 1;
        for (let k = 0; k < m; k++) {
          const lo = Math.max(boxes.coords[k]![boxes.boxes[(b * m + k) * 2]!]!, 0);
          v *= boxes.coords[k]![boxes.boxes[(b * m + k) * 2 + 1]!]! - lo;
        }
        volume += v;
      }
      expect(volume).toBeCloseTo(1.1 ** m - hypervolume(front, ref), 10);
    });

    it(`${m} objectives: matches a Monte Carlo estimate of E[HV(front + y) - HV(front)]`, () => {
      const rng = new Rng(20 + m);
      const front = randomFront(rng, 8, m);
      const ref = new Array<number>(m).fill(1.2);
      const boxes = new NonDominatedBoxes(front, ref);
      const base = hypervolume(front, ref);
      for (const [mean, sd] of [
        [0.4, 0.2],
        [0.9, 0.1],
        [0.1, 0.05],
      ] as const) {
        const means = Array.from({ length: m }, (_, k) => mean + 0.05 * k);
        const sds = new Array<number>(m).fill(sd);
        const samples = 20000;
        let sum = 0;
        let sumSq = 0;
        for (let s = 0; s < samples; s++) {
          const y = means.map((mu, k) => mu + sds[k]! * rng.normal());
          const gain = hypervolume([...front, y], ref) - base;
          sum += gain;
          sumSq += gain * gain;
        }
        const mc = sum / samples;
        const se = Math.sqrt((sumSq / samples - mc * mc) / samples);
        expect(Math.abs(boxes.expectedImprovement(means, sds) - mc)).toBeLessThan(4 * se + 1e-12);
      }
    });
  }

  it('is zero for a candidate surely dominated and the full box for one surely at the ideal point', () => {
    const front = [
      [0.2, 0.8],
      [0.5, 0.5],
      [0.8, 0.2],
    ];
    const boxes = new NonDominatedBoxes(front, [1, 1]);
    expect(boxes.expectedImprovement([0.9, 0.9], [1e-6, 1e-6])).toBe(0);
    expect(boxes.expectedImprovement([0, 0], [1e-9, 1e-9])).toBeCloseTo(1 - hypervolume(front, [1, 1]), 6);
  });
});

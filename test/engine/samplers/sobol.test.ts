import { describe, expect, it } from 'vitest';
import { createSampler } from '../../../src/main/engine/samplers/index.js';
import { RandomSampler } from '../../../src/main/engine/samplers/random.js';
import { SOBOL_MAX_DIMENSION, SobolSampler, SobolSequence } from '../../../src/main/engine/samplers/sobol.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import type { Sampler } from '../../../src/main/engine/samplers/types.js';
import { samplerContract } from './sampler-contract.js';
import { context, float, runStudy, setupFor } from './spaces.js';

samplerContract('sobol', () => new SobolSampler(), { seeded: true });
samplerContract('sobol (unscrambled)', () => new SobolSampler(false), { seeded: false });

// Reference points of the unscrambled Joe-Kuo 6.21201 sequence, all 64 dimensions, computed with
// SciPy 1.17 `qmc.Sobol(64, scramble=False, bits=32)` (an independent implementation of the same table).
const SCIPY_12345_TIMES_2_16 = [
  42004, 53308, 10508, 34524, 58228, 3860, 8340, 7428, 52548, 28156, 4868, 39244, 61012, 61724, 2260, 41996, 4100, 3340, 20932, 22508,
  13060, 5324, 39780, 56540, 28924, 19380, 23988, 31588, 5748, 26508, 18804, 43388, 32940, 43340, 12468, 59676, 172, 21124, 62908, 62140,
  14124, 52460, 49948, 37516, 18932, 31268, 64348, 15716, 43460, 40164, 50556, 29716, 580, 40356, 56764, 36116, 29236, 63740, 30292,
  63548, 7084, 41132, 63564, 30516,
];
const SCIPY_2_31_PLUS_12345_TIMES_2_32 = [
  2752774147, 2238272853, 1645001659, 4141547569, 1937141223, 3480841581, 1621408785, 1458714307, 3246064307, 1452380627, 1299451447,
  3496554719, 2711945645, 1777074401, 82100999, 726381875, 1657502017, 3923725707, 4258238693, 2297167877, 2550464515, 3223257099,
  437891075, 1388974095, 1256946439, 2749790977, 3316242185, 739709187, 2053549051, 1638569695, 1556555831, 3281757661, 1823236049,
  1301972831, 498555065, 2450437655, 2250968595, 2471815143, 1647255287, 2647898923, 2677556307, 2750985723, 3779720961, 404700343,
  175629443, 3362202735, 1896829779, 2470669463, 2932134693, 4251844153, 864841951, 1963028757, 2768533365, 3980919479, 1068971829,
  265363179, 3277476003, 3824694093, 1952720615, 4114959093, 4145090921, 2008115897, 1560737741, 1439752459,
];

describe('SobolSequence', () => {
  it('supports at least 21 dimensions', () => {
    expect(SOBOL_MAX_DIMENSION).toBeGreaterThanOrEqual(21);
  });

  it('matches an independent implementation of the Joe-Kuo direction numbers in every dimension', () => {
    const seq = new SobolSequence(64, null);
    expect(seq.point(12345).map((x) => x * 2 ** 16)).toEqual(SCIPY_12345_TIMES_2_16);
    expect(seq.point(2 ** 31 + 12345).map((x) => x * 2 ** 32)).toEqual(SCIPY_2_31_PLUS_12345_TIMES_2_32);
  });

  it('scrambled: the first 2^m points put exactly one point in each 1/2^m interval of every dimension', () => {
    for (const seed of [0, 42]) {
      const seq = new SobolSequence(SOBOL_MAX_DIMENSION, { seed });
      const points = Array.from({ length: 256 }, (_, i) => seq.point(i));
      for (let j = 0; j < SOBOL_MAX_DIMENSION; j++) {
        const cells = new Set(points.map((p) => Math.floor(p[j]! * 256)));
        expect(cells.size, `dimension ${j + 1}`).toBe(256);
      }
    }
  });

  it('scrambled: the first two dimensions form a (0, m, 2)-net (one point per elementary box)', () => {
    const seq = new SobolSequence(2, { seed: 7 });
    const points = Array.from({ length: 256 }, (_, i) => seq.point(i));
    for (let a = 0; a <= 8; a++) {
      const boxes = new Set(points.map(([x, y]) => `${Math.floor(x! * 2 ** a)},${Math.floor(y! * 2 ** (8 - a))}`));
      expect(boxes.size, `boxes 2^-${a} x 2^-${8 - a}`).toBe(256);
    }
  });

  it('different seeds scramble differently', () => {
    expect(new SobolSequence(3, { seed: 1 }).point(5)).not.toEqual(new SobolSequence(3, { seed: 2 }).point(5));
  });
});

describe('SobolSampler', () => {
  /** Squared L2-star discrepancy by Warnock's formula (points in [0,1]^d). */
  function l2StarDiscrepancy(points: number[][]): number {
    const n = points.length;
    const d = points[0]!.length;
    let single = 0;
    for (const p of points) single += p.reduce((acc, x) => acc * (1 - x * x), 1);
    let pairs = 0;
    for (const p of points) for (const q of points) pairs += p.reduce((acc, x, k) => acc * (1 - Math.max(x, q[k]!)), 1);
    return 3 ** -d - (2 ** (1 - d) / n) * single + pairs / (n * n);
  }

  function designOf(sampler: Sampler, seed: number): number[][] {
    const space = new SearchSpace({ a: float(0, 1), b: float(0, 1), c: float(0, 1), d: float(0, 1) });
    return runStudy(sampler, space, { seed, count: 128 }).params.map((p) => [p.a, p.b, p.c, p.d] as number[]);
  }

  it('covers the cube more evenly than random search (lower L2-star discrepancy for every seed tried)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sobol = l2StarDiscrepancy(designOf(new SobolSampler(), seed));
      const random = l2StarDiscrepancy(designOf(new RandomSampler(), seed));
      expect(sobol, `seed ${seed}`).toBeLessThan(random / 2);
    }
  });

  it('keeps its sequence index in its state', () => {
    const space = new SearchSpace({ x: float(0, 1) });
    const sampler = new SobolSampler();
    expect(sampler.snapshot()).toBeNull();
    runStudy(sampler, space, { seed: 3, count: 5 });
    expect(sampler.snapshot()).toEqual({ index: 5 });
    // The restored index wins over the trial count (e.g. a study whose first trial was a baseline).
    const restored = new SobolSampler();
    restored.restore({ index: 2 });
    const seq = new SobolSequence(1, { seed: 3 });
    expect(restored.ask(context(space, [], 3))).toEqual({ kind: 'params', params: { x: seq.point(2)[0] } });
  });

  it('refuses a corrupt state with a SamplerError', () => {
    expect(() => new SobolSampler().restore({ index: -1 })).toThrow(/cannot restore Sobol state/);
  });

  it('refuses a space with more parameters than it has direction numbers, at sampler.type', () => {
    const params = Object.fromEntries(Array.from({ length: SOBOL_MAX_DIMENSION + 1 }, (_, i) => [`p${i}`, float(0, 1)]));
    const err = (() => {
      try {
        createSampler({ type: 'sobol', options: {} }, setupFor(new SearchSpace(params)));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(StudySpecError);
    expect((err as StudySpecError).issues[0]!.path).toBe('sampler.type');
    expect((err as StudySpecError).message).toMatch(/at most 64 parameters.*has 65/);
  });
});

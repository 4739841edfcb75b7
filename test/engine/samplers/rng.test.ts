import { describe, expect, it } from 'vitest';
import { Rng, hashSeed } from '../../../src/main/engine/samplers/rng.js';

describe('Rng', () => {
  it('repeats exactly for the same seed parts and differs for others', () => {
    const draw = (...parts: number[]) => {
      const r = new Rng(...parts);
      return Array.from({ length: 8 }, () => r.uint32());
    };
    expect(draw(42, 3)).toEqual(draw(42, 3));
    const variants = [draw(42, 3), draw(42, 4), draw(43, 3), draw(3, 42), draw(42), draw(-42, 3), draw(42 + 2 ** 32, 3), draw(42.5, 3)];
    expect(new Set(variants.map((v) => v.join())).size).toBe(variants.length);
  });

  it('hashes seeds beyond 32 bits, negatives and fractions to distinct words', () => {
    const seeds = [0, 1, -1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 0.5, -0.5, 1e300];
    const hashes = seeds.map((s) => hashSeed(s));
    expect(new Set(hashes).size).toBe(seeds.length);
    for (const h of hashes) expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
  });

  it('uniform() is in [0, 1) with the right mean and variance', () => {
    const r = new Rng(1);
    const xs = Array.from({ length: 20000 }, () => r.uniform());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.005);
  });

  it('int(n) covers 0..n-1 evenly and rejects bad n', () => {
    const r = new Rng(2);
    const counts = Array.from({ length: 7 }, () => 0);
    for (let i = 0; i < 7000; i++) counts[r.int(7)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    for (const c of counts) expect(c).toBeLessThan(1150);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(RangeError);
  });

  it('normal() has mean 0 and variance 1', () => {
    const r = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('shuffle() permutes a copy', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = new Rng(4).shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(shuffled).not.toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

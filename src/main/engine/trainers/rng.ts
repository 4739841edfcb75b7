// A small seeded PRNG whose whole state is one 32-bit integer, so a checkpoint can store it exactly and a
// resumed run draws the same shuffles and dropout masks as an uninterrupted one. Mulberry32 (Tommy Ettinger,
// public domain): passes PractRand to 2^32 outputs, which is plenty for shuffles and weight initialisation.

export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The state to store in a checkpoint; `new Rng(state)` continues the same stream. */
  get state(): number {
    return this.s;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A fresh 31-bit seed, for APIs (tf.dropout) that take a seed per call. */
  seed(): number {
    return this.int(0x7fffffff);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

/** Derives an independent seed from a base seed and a stream label (splitmix-style integer hash). */
export function deriveSeed(base: number, ...labels: number[]): number {
  let h = base >>> 0;
  for (const l of labels) {
    h = (h ^ (l >>> 0)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    h = (h + 0x9e3779b9) >>> 0;
  }
  return h;
}

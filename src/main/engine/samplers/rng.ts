// A small seedable PRNG. Samplers build a fresh generator from (study seed, trial count, purpose) for
// every ask instead of carrying one along, so a study resumed after a crash asks exactly what the
// uninterrupted run would have asked, with no generator state to persist.
//
// Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018),
// seeded through splitmix32 so that nearby seeds (42, 43) give unrelated streams.

const TWO_32 = 2 ** 32;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `parts` are hashed together: e.g. `new Rng(seed, trialCount, STREAM_RANDOM)`. */
  constructor(...parts: readonly number[]) {
    let h = hashSeed(...parts);
    const next = (): number => {
      // splitmix32 step (Vigna's constants adapted to 32 bits), expands one word into four.
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // xoshiro's only bad state is all zeros.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** 32 random bits as an unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n); unbiased (rejection) for n <= 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    if (n > TWO_32) return Math.floor(this.uniform() * n);
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal (Box-Muller; the second variate is dropped so the state stays four words). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log(0) never happens
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/**
 * Hashes any numbers (negative, fractional, beyond 2^32) into one 32-bit word. Each number is split into
 * its two 32-bit halves (integers) or its IEEE-754 bits (others), then mixed with murmur3's finalizer.
 */
export function hashSeed(...parts: readonly number[]): number {
  let h = 0x6a09e667 ^ parts.length;
  for (const part of parts) {
    for (const word of words(part)) {
      h = Math.imul(h ^ word, 0x9e3779b1);
      h = fmix32(h ^ (h >>> 15));
    }
  }
  return h >>> 0;
}

function words(x: number): [number, number] {
  if (Number.isSafeInteger(x)) return [x >>> 0, Math.floor(x / TWO_32) >>> 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Number.isNaN(x) ? NaN : x);
  return [view.getUint32(4), view.getUint32(0) ^ 0x7ff00000];
}

function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Stream identifiers, so two samplers (or two uses in one sampler) never share random numbers. */
export const STREAM = {
  random: 1,
  sobolScramble: 2,
  fallback: 3,
  design: 4,
} as const;

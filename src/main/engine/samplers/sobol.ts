// Quasi-random search with a scrambled Sobol sequence: fills the cube more evenly than random draws, so
// a small budget covers the space better (Bergstra & Bengio 2012, sec. 6; Joe & Kuo 2008 for the
// direction numbers). Scrambling is Matoušek's linear matrix scrambling plus a random digital shift,
// as in SciPy's `qmc.Sobol`: both keep the net property and make each seed a different design.
import { SamplerError, type Sampler, type SamplerContext, type Suggestion } from './types.js';
import { exhaustedReason, pickUnused, spaceSize, usedKeys } from './dedupe.js';
import { Rng, STREAM } from './rng.js';
import { JOE_KUO_DIRECTIONS } from './sobol-directions.js';

const BITS = 32;
const TWO_32 = 2 ** 32;
export const SOBOL_MAX_DIMENSION = JOE_KUO_DIRECTIONS.length + 1;
/** Sequence points tried (each one index further) before a finite space lists the unused configurations. */
const MAX_SOBOL_RETRIES = 32;

/** The Sobol sampler's persisted state: the index of the next sequence point to use. */
export interface SobolState {
  index: number;
}

export class SobolSequence {
  /** directions[j][k]: direction number k of dimension j, bit 31 being the most significant digit. */
  private readonly directions: Uint32Array[];
  private readonly shifts: Uint32Array;

  constructor(
    readonly dimension: number,
    scramble: { seed: number } | null,
  ) {
    if (dimension < 1 || dimension > SOBOL_MAX_DIMENSION) {
      throw new RangeError(`Sobol: dimension must be between 1 and ${SOBOL_MAX_DIMENSION}, got ${dimension}`);
    }
    this.directions = Array.from({ length: dimension }, (_, j) => directionNumbers(j));
    this.shifts = new Uint32Array(dimension);
    if (scramble) {
      const rng = new Rng(scramble.seed, STREAM.sobolScramble);
      for (let j = 0; j < dimension; j++) {
        this.directions[j] = linearScramble(this.directions[j]!, rng);
        this.shifts[j] = rng.uint32();
      }
    }
  }

  /** Point `index` (0-based) in [0,1)^dimension, computed directly from the Gray code of the index. */
  point(index: number): number[] {
    if (!Number.isInteger(index) || index < 0 || index >= TWO_32) throw new RangeError(`Sobol: index out of range: ${index}`);
    const gray = (index ^ Math.floor(index / 2)) >>> 0;
    return this.directions.map((v, j) => {
      let x = this.shifts[j]!;
      for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) {
        if (g & 1) x ^= v[k]!;
      }
      return (x >>> 0) / TWO_32;
    });
  }
}

/** Points of the unit cube by index, the same for the same seed: what the GP's design and candidates draw from. */
export interface UnitDesign {
  point(index: number): number[];
}

/**
 * Scrambled Sobol points where its direction numbers reach (64 dimensions), seeded uniform random points
 * beyond: past 64 parameters a few hundred points cannot fill the cube evenly either way, and a GP study
 * must not stop at the first ask because the space is wide.
 */
export function unitDesign(dimension: number, seed: number): UnitDesign {
  const d = Math.max(dimension, 1);
  if (d <= SOBOL_MAX_DIMENSION) return new SobolSequence(d, { seed });
  return {
    point: (index) => {
      const rng = new Rng(seed, index, STREAM.design);
      return Array.from({ length: d }, () => rng.uniform());
    },
  };
}

export class SobolSampler implements Sampler<SobolState> {
  readonly name = 'sobol';
  private nextIndex: number | null = null;
  private sequence: { seed: number; dimension: number; seq: SobolSequence } | null = null;

  constructor(private readonly scramble = true) {}

  ask(ctx: SamplerContext): Suggestion {
    const space = ctx.space;
    const seq = this.sequenceFor(ctx.seed, space.dimension);
    // Without persisted state, the trial count is the index: right when every trial came from this sampler.
    let index = this.nextIndex ?? ctx.trials.length;
    const size = spaceSize(space);
    if (!Number.isFinite(size)) {
      this.nextIndex = index + 1;
      return { kind: 'params', params: space.fromUnitVector(seq.point(index)) };
    }

    const used = usedKeys(space, ctx.trials);
    if (used.size >= size) return { kind: 'exhausted', reason: exhaustedReason(size) };
    for (let i = 0; i < MAX_SOBOL_RETRIES; i++) {
      const config = space.fromUnitVector(seq.point(index++));
      if (!used.has(space.key(config))) {
        this.nextIndex = index;
        return { kind: 'params', params: config };
      }
    }
    this.nextIndex = index;
    const config = pickUnused(space, used, new Rng(ctx.seed, ctx.trials.length, STREAM.fallback));
    return config ? { kind: 'params', params: config } : { kind: 'exhausted', reason: exhaustedReason(size) };
  }

  snapshot(): SobolState | null {
    return this.nextIndex === null ? null : { index: this.nextIndex };
  }

  restore(state: SobolState): void {
    const index: unknown = (state as { index?: unknown } | null)?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
      throw new SamplerError(`cannot restore Sobol state ${JSON.stringify(state)}: expected {"index": <non-negative integer>}`, this.name);
    }
    this.nextIndex = index;
  }

  private sequenceFor(seed: number, dimension: number): SobolSequence {
    if (dimension > SOBOL_MAX_DIMENSION) {
      throw new SamplerError(`the Sobol sampler supports at most ${SOBOL_MAX_DIMENSION} parameters, the space has ${dimension}`, this.name);
    }
    const d = Math.max(dimension, 1);
    if (!this.sequence || this.sequence.seed !== seed || this.sequence.dimension !== d) {
      this.sequence = { seed, dimension: d, seq: new SobolSequence(d, this.scramble ? { seed } : null) };
    }
    return this.sequence.seq;
  }
}

/** The 32 direction numbers of dimension `j` (0-based), per Joe & Kuo's recurrence. */
function directionNumbers(j: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (j === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, m] = JOE_KUO_DIRECTIONS[j - 1]!;
  for (let k = 0; k < BITS; k++) {
    if (k < s) {
      v[k] = m[k]! * 2 ** (BITS - 1 - k);
      continue;
    }
    let x = v[k - s]! ^ (v[k - s]! >>> s);
    for (let l = 1; l < s; l++) {
      if ((a >>> (s - 1 - l)) & 1) x ^= v[k - l]!;
    }
    v[k] = x >>> 0;
  }
  return v;
}

/**
 * Left-multiplies the generator matrix by a random lower-triangular binary matrix with unit diagonal
 * (Matoušek 1998). Row r of the output digit vector is bit 31 - r; output row r mixes input rows <= r.
 */
function linearScramble(v: Uint32Array, rng: Rng): Uint32Array {
  const rows = new Uint32Array(BITS);
  for (let r = 0; r < BITS; r++) {
    const above = r === 0 ? 0 : (0xffffffff << (BITS - r)) >>> 0; // bits of the more significant rows
    rows[r] = ((rng.uint32() & above) | (1 << (BITS - 1 - r))) >>> 0;
  }
  const out = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) {
    let x = 0;
    for (let r = 0; r < BITS; r++) {
      if (parity(rows[r]! & v[k]!)) x |= 1 << (BITS - 1 - r);
    }
    out[k] = x >>> 0;
  }
  return out;
}

function parity(x: number): number {
  let y = x >>> 0;
  y ^= y >>> 16;
  y ^= y >>> 8;
  y ^= y >>> 4;
  y ^= y >>> 2;
  y ^= y >>> 1;
  return y & 1;
}

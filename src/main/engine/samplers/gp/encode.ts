// Configurations <-> GP inputs. One input per parameter: numeric parameters at their position on the
// space's unit cube (so log parameters are uniform in log, integers at the centre of their share),
// categoricals as a choice index for the kernel's Hamming term. An inactive conditional parameter takes a
// fixed value (0.5, or index -1 for a categorical) so distances stay defined; its parents already
// separate configurations where it is active from those where it is not.
import type { Params } from '../../../../shared/types.js';
import type { SearchSpace } from '../../study/space.js';

export const INACTIVE_NUMERIC = 0.5;
export const INACTIVE_CATEGORY = -1;

export interface Encoding {
  space: SearchSpace;
  D: number;
  isCat: Uint8Array;
  /** Number of choices of each categorical dimension (0 for numeric ones). */
  choices: Int32Array;
  /** Numeric dimensions the local optimizer may move: not categorical, and no other parameter's `when` refers to them. */
  refinable: Uint8Array;
  /** Inputs every candidate takes as given (budget-input.ts: the top budget), or null. */
  pinned: Params | null;
}

/** `pinned`: inputs the acquisition's candidates do not choose (never refined, set on every candidate). */
export function encodingOf(space: SearchSpace, pinned: Params | null = null): Encoding {
  const names = space.names;
  const D = names.length;
  const isCat = new Uint8Array(D);
  const choices = new Int32Array(D);
  const refinable = new Uint8Array(D);
  const parents = new Set<string>();
  for (const name of names) for (const parent of Object.keys(space.spec(name).when ?? {})) parents.add(parent);
  names.forEach((name, d) => {
    const p = space.spec(name);
    if (p.type === 'categorical') {
      isCat[d] = 1;
      choices[d] = p.choices.length;
    } else if (!parents.has(name) && !(pinned && name in pinned)) {
      refinable[d] = 1;
    }
  });
  return { space, D, isCat, choices, refinable, pinned };
}

export function encode(enc: Encoding, config: Params, out: Float64Array, offset = 0): void {
  const { space } = enc;
  space.names.forEach((name, d) => {
    const v = config[name];
    const active = v !== undefined && space.isActive(name, config);
    if (enc.isCat[d] === 1) {
      const p = space.spec(name);
      out[offset + d] = active && p.type === 'categorical' ? Math.max(0, p.choices.findIndex((c) => c === v)) : INACTIVE_CATEGORY;
    } else {
      out[offset + d] = active ? space.toUnit(name, v) : INACTIVE_NUMERIC;
    }
  });
}

/** The configuration nearest to encoded point x (snapping integers and steps; activity recomputed). */
export function decode(enc: Encoding, x: ArrayLike<number>): Params {
  const u: number[] = [];
  for (let d = 0; d < enc.D; d++) {
    const v = x[d]!;
    u.push(enc.isCat[d] === 1 ? (v < 0 ? 0.5 : (v + 0.5) / enc.choices[d]!) : v);
  }
  return enc.space.fromUnitVector(u);
}

// Duplicate avoidance for finite search spaces: a sampler must not propose a configuration that any trial
// (pending ones included) already has, and must say `exhausted` instead of looping once all are taken.
import type { ParamValue, Params } from '../../../shared/types.js';
import type { SearchSpace } from '../study/space.js';
import { countConfigs, enumerateConfigs } from './enumerate.js';
import type { Rng } from './rng.js';
import type { TrialView } from './types.js';

const cardinalities = new WeakMap<SearchSpace, number>();

/**
 * Distinct configurations of the space (Infinity if any parameter is continuous or too large to list).
 * Counted like `SearchSpace.cardinality` but multiplying unconditional parameters instead of walking
 * every combination, and cached per space since samplers ask on every trial.
 */
export function spaceSize(space: SearchSpace): number {
  let n = cardinalities.get(space);
  if (n === undefined) {
    n = space.names.some((name) => space.values(name) === null) ? Infinity : countConfigs(space, discreteValues(space));
    cardinalities.set(space, n);
  }
  return n;
}

export function discreteValues(space: SearchSpace): (name: string) => readonly ParamValue[] {
  return (name) => space.values(name) ?? [];
}

/**
 * Keys of the configurations the trials already hold. Parameters outside the space (e.g. a fidelity
 * parameter the engine adds) are ignored; configurations that are not valid in the space are left out,
 * so they never count toward exhaustion.
 */
export function usedKeys(space: SearchSpace, trials: readonly TrialView[]): Set<string> {
  const keys = new Set<string>();
  for (const t of trials) {
    const projected: Params = {};
    for (const name of space.names) {
      const v = t.params[name];
      if (v !== undefined) projected[name] = v;
    }
    if (space.check(projected) === null) keys.add(space.key(projected));
  }
  return keys;
}

export function exhaustedReason(size: number): string {
  return `search space exhausted: all ${size} distinct configurations have been tried`;
}

/**
 * A configuration not in `used`, chosen at random among the first `cap` unused ones in enumeration order;
 * null if none is left. Walks at most `used.size + cap` configurations, so the cost is bounded by the
 * number of trials, not the size of the space.
 */
export function pickUnused(space: SearchSpace, used: ReadonlySet<string>, rng: Rng, cap = 256): Params | null {
  const unused: Params[] = [];
  for (const config of enumerateConfigs(space, discreteValues(space))) {
    if (!used.has(space.key(config))) {
      unused.push(config);
      if (unused.length >= cap) break;
    }
  }
  return unused.length === 0 ? null : unused[rng.int(unused.length)]!;
}

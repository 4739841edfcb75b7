// Lexicographic enumeration of configurations, shared by the grid sampler and the duplicate-avoiding
// fallback of the random and Sobol samplers. Inactive conditional parameters are skipped, not multiplied in.
import type { ParamValue, Params } from '../../../shared/types.js';
import type { SearchSpace } from '../study/space.js';

/** Values to try for one parameter; called with parents already set in `config`. */
export type ValuesOf = (name: string) => readonly ParamValue[];

/**
 * Every configuration, first parameter (in `space.names` order, parents first) varying slowest, like
 * nested for-loops. Lazy, so callers that stop early never pay for the whole product.
 */
export function* enumerateConfigs(space: SearchSpace, valuesOf: ValuesOf): Generator<Params, void, undefined> {
  const names = space.names;
  const config: Params = {};
  function* walk(i: number): Generator<Params, void, undefined> {
    if (i === names.length) {
      yield { ...config };
      return;
    }
    const name = names[i]!;
    if (!space.isActive(name, config)) {
      yield* walk(i + 1);
      return;
    }
    for (const v of valuesOf(name)) {
      config[name] = v;
      yield* walk(i + 1);
    }
    delete config[name];
  }
  yield* walk(0);
}

/** Number of configurations `enumerateConfigs` yields, or Infinity beyond `cap`. */
export function countConfigs(space: SearchSpace, valuesOf: ValuesOf, cap = 1e12): number {
  const names = space.names;
  const count = (i: number, config: Params): number => {
    if (i === names.length) return 1;
    const name = names[i]!;
    if (!space.isActive(name, config)) return count(i + 1, config);
    const values = valuesOf(name);
    // Parameters no later condition refers to multiply without branching: keeps the count fast for
    // large unconditional grids.
    if (!names.slice(i + 1).some((n) => space.params[n]?.when?.[name] !== undefined)) {
      const rest = count(i + 1, config);
      return values.length * rest > cap ? Infinity : values.length * rest;
    }
    let total = 0;
    for (const v of values) {
      total += count(i + 1, { ...config, [name]: v });
      if (total > cap) return Infinity;
    }
    return total;
  };
  return count(0, {});
}

// Uniform random search (Bergstra & Bengio 2012): a point of the unit cube mapped through the search
// space, so log-scale parameters come out log-uniform. Stateless: the draw depends only on the study seed
// and the number of trials, which makes a resumed study ask what an uninterrupted one would have.
import type { SearchSpace } from '../study/space.js';
import { exhaustedReason, pickUnused, spaceSize, usedKeys } from './dedupe.js';
import { Rng, STREAM } from './rng.js';
import type { Sampler, SamplerContext, Suggestion } from './types.js';

/** Fresh draws tried before a finite space falls back to listing the configurations still unused. */
const MAX_RANDOM_RETRIES = 32;

export class RandomSampler implements Sampler<null> {
  readonly name = 'random';

  ask(ctx: SamplerContext): Suggestion {
    const space = ctx.space;
    const rng = new Rng(ctx.seed, ctx.trials.length, STREAM.random);
    const size = spaceSize(space);
    if (!Number.isFinite(size)) return { kind: 'params', params: space.fromUnitVector(unitPoint(rng, space)) };

    const used = usedKeys(space, ctx.trials);
    if (used.size >= size) return { kind: 'exhausted', reason: exhaustedReason(size) };
    for (let i = 0; i < MAX_RANDOM_RETRIES; i++) {
      const config = space.fromUnitVector(unitPoint(rng, space));
      if (!used.has(space.key(config))) return { kind: 'params', params: config };
    }
    const config = pickUnused(space, used, rng);
    return config ? { kind: 'params', params: config } : { kind: 'exhausted', reason: exhaustedReason(size) };
  }

  snapshot(): null {
    return null;
  }

  restore(): void {
    // Nothing to restore: every draw is a function of (seed, trial count).
  }
}

/** One coordinate per parameter, inactive ones included, so a parameter's draw never shifts the others'. */
function unitPoint(rng: Rng, space: SearchSpace): number[] {
  return Array.from({ length: space.dimension }, () => rng.uniform());
}

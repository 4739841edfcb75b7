// The sampler registry: one entry `{validate, create}` per type. The study validator calls `validate` with
// the study's objectives, constraints and search space, and the campaign calls `create` on the same entry,
// so a sampler that validates is a sampler that starts (study/strategies.ts).
import { readOptions } from '../study/strategy-options.js';
import { StudySpecError } from '../study/errors.js';
import { StrategyRegistry, strategyEntry, type StrategyContext, type StrategyEntry } from '../study/strategies.js';
import type { SamplerSpec } from '../study/types.js';
import { GpSampler, readGpOptions } from './gp/sampler.js';
import { offThread } from './gp/threaded.js';
import type { GpPrior } from './gp/transfer.js';
import { GRID_DEFAULT_LEVELS, GridSampler } from './grid.js';
import { RandomSampler } from './random.js';
import { SOBOL_MAX_DIMENSION, SobolSampler } from './sobol.js';
import type { Sampler } from './types.js';

/** What creating a sampler may use beyond what validating it sees. */
export interface SamplerSetup extends StrategyContext {
  /** The study has an energy budget: a single-objective GP then uses the cost-aware acquisition by default. */
  energyBudget: boolean;
  /** Warnings worth a line in the study's log (a GP falling back to quasi-random search). */
  log: (message: string) => void;
  /** An earlier study's finished trials for the GP's prior mean (warm_start with prior; campaign/transfer-prior.ts). */
  prior?: GpPrior | null;
}

export type SamplerEntry = StrategyEntry<Sampler, StrategyContext, SamplerSetup>;

export const samplers = new StrategyRegistry<Sampler, StrategyContext, SamplerSetup>('sampler');

samplers.register(
  'random',
  strategyEntry(
    (options) => readOptions('sampler', 'random', options, {}),
    () => new RandomSampler(),
  ),
);

samplers.register(
  'sobol',
  strategyEntry(
    (options, ctx) => {
      const o = readOptions('sampler', 'sobol', options, {
        scramble: { kind: 'boolean', default: true, description: 'randomize the sequence with the study seed' },
      });
      if (ctx.space.dimension > SOBOL_MAX_DIMENSION) {
        throw new StudySpecError(null, [
          {
            path: 'sampler.type',
            message: `the sobol sampler supports at most ${SOBOL_MAX_DIMENSION} parameters and the search space has ${ctx.space.dimension}; use the random or gp sampler`,
          },
        ]);
      }
      return o;
    },
    (o) => new SobolSampler(o.scramble),
  ),
);

samplers.register(
  'grid',
  strategyEntry(
    (options) =>
      readOptions('sampler', 'grid', options, {
        levels: { kind: 'int', min: 2, max: 10_000, default: GRID_DEFAULT_LEVELS, description: 'values per continuous parameter' },
      }),
    (o) => new GridSampler(o.levels),
  ),
);

samplers.register(
  'gp',
  strategyEntry(readGpOptions, (o, setup: SamplerSetup) => {
    const gp = new GpSampler(o, {
      objectives: setup.objectives,
      constraints: setup.constraints,
      energyBudget: setup.energyBudget,
      prior: setup.prior ?? null,
      onFallback: (reason) => setup.log(`gp sampler fell back to quasi-random: ${reason}`),
      onCostFallback: (reason) => setup.log(`gp sampler used plain expected improvement, not per joule: ${reason}`),
    });
    // Off the event loop that serves the window, HTTP, WebSocket pushes and the meter (gp/threaded.ts).
    return offThread(gp, { log: setup.log });
  }),
);

/** Builds the study's sampler; throws StudySpecError (`sampler.*`) for what validation would have refused. */
export function createSampler(spec: SamplerSpec, setup: SamplerSetup): Sampler {
  return samplers.create(spec, setup);
}

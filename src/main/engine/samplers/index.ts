// Sampler registry: turns the study's `sampler:` section into a Sampler. Strategies that live in other
// modules (the GP) register themselves with `registerSampler` instead of being wired into a switch here.
import { StudySpecError } from '../study/errors.js';
import type { SamplerSpec } from '../study/types.js';
import type { SearchSpace } from '../study/space.js';
import { GRID_DEFAULT_LEVELS, GridSampler } from './grid.js';
import { readOptions } from '../study/options.js';
import { RandomSampler } from './random.js';
import { SOBOL_MAX_DIMENSION, SobolSampler } from './sobol.js';
import type { Sampler } from './types.js';

/** Builds a sampler from its options (already stripped of `type`); throws StudySpecError on bad options. */
export type SamplerFactory = (options: Readonly<Record<string, unknown>>, space: SearchSpace) => Sampler;

/** Types the study format names but this build does not ship yet. */
const PLANNED = ['gp', 'tpe'];

const factories = new Map<string, SamplerFactory>([
  [
    'random',
    (options) => {
      readOptions('sampler', 'random', options, {});
      return new RandomSampler();
    },
  ],
  [
    'sobol',
    (options, space) => {
      const o = readOptions('sampler', 'sobol', options, {
        scramble: { kind: 'boolean', default: true, description: 'randomize the sequence with the study seed' },
      });
      if (space.dimension > SOBOL_MAX_DIMENSION) {
        throw new StudySpecError(null, [
          {
            path: 'sampler.type',
            message: `the sobol sampler supports at most ${SOBOL_MAX_DIMENSION} parameters and the search space has ${space.dimension}; use the random sampler`,
          },
        ]);
      }
      return new SobolSampler(o.scramble);
    },
  ],
  [
    'grid',
    (options) => {
      const o = readOptions('sampler', 'grid', options, {
        levels: { kind: 'int', min: 2, max: 10_000, default: GRID_DEFAULT_LEVELS, description: 'values per continuous parameter' },
      });
      return new GridSampler(o.levels);
    },
  ],
]);

/** Adds (or replaces) a sampler type, e.g. `registerSampler('gp', (options, space) => new GpSampler(...))`. */
export function registerSampler(type: string, factory: SamplerFactory): void {
  factories.set(type, factory);
}

/** The sampler types this build can create. */
export function availableSamplers(): string[] {
  return [...factories.keys()];
}

export function createSampler(spec: SamplerSpec, space: SearchSpace): Sampler {
  const factory = factories.get(spec.type);
  if (!factory) {
    const available = availableSamplers().join(', ');
    const message = PLANNED.includes(spec.type)
      ? `the ${spec.type} sampler is not available in this version; available: ${available}`
      : `unknown sampler "${spec.type}"; available: ${available}`;
    throw new StudySpecError(null, [{ path: 'sampler.type', message }]);
  }
  return factory(spec.options, space);
}

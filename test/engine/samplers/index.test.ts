import { describe, expect, it } from 'vitest';
import { createSampler, samplers } from '../../../src/main/engine/samplers/index.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import type { SamplerSpec } from '../../../src/main/engine/study/types.js';
import { float, mixedSpace, setupFor } from './spaces.js';

function specError(spec: SamplerSpec, setup = setupFor(mixedSpace())): StudySpecError {
  try {
    createSampler(spec, setup);
  } catch (e) {
    if (e instanceof StudySpecError) return e;
    throw e;
  }
  throw new Error(`createSampler(${JSON.stringify(spec)}) did not throw`);
}

const twoObjectives = [
  { metric: 'loss', direction: 'minimize' },
  { metric: 'energy_j', direction: 'minimize' },
] as const;

describe('the sampler registry', () => {
  it('creates random, sobol, grid and gp samplers', () => {
    for (const [type, options] of [
      ['random', {}],
      ['sobol', { scramble: false }],
      ['grid', { levels: 3 }],
      ['gp', { candidates: 64 }],
    ] as const) {
      expect(createSampler({ type, options }, setupFor(mixedSpace())).name).toBe(type);
    }
    expect(samplers.types()).toEqual(['random', 'sobol', 'grid', 'gp']);
  });

  it('rejects bad option values at sampler.<key>, naming the fix', () => {
    const zero = specError({ type: 'grid', options: { levels: 0 } });
    expect(zero.issues).toEqual([{ path: 'sampler.levels', message: expect.stringMatching(/integer between 2 and 10000.*got 0/) }]);
    expect(specError({ type: 'grid', options: { levels: 2.5 } }).issues[0]!.path).toBe('sampler.levels');
    expect(specError({ type: 'sobol', options: { scramble: 'yes' } }).issues[0]!.path).toBe('sampler.scramble');
  });

  it('rejects unknown option keys, suggesting the near miss', () => {
    const typo = specError({ type: 'grid', options: { levelz: 4 } });
    expect(typo.issues).toEqual([{ path: 'sampler.levelz', message: expect.stringMatching(/did you mean "levels"/) }]);
    const none = specError({ type: 'random', options: { levels: 4 } });
    expect(none.issues[0]).toEqual({ path: 'sampler.levels', message: expect.stringMatching(/random sampler takes no options/) });
  });

  it('names every real type, gp included, for an unknown one, with the near miss', () => {
    expect(specError({ type: 'tpe', options: {} }).issues).toEqual([{ path: 'sampler.type', message: 'unknown sampler "tpe"; available: random, sobol, grid, gp' }]);
    expect(specError({ type: 'sobl', options: {} }).issues[0]!.message).toBe('unknown sampler "sobl" (did you mean "sobol"?); available: random, sobol, grid, gp');
  });

  it('validates with the same reading that creates: what validate accepts, create builds, and the reverse', () => {
    const single = setupFor(mixedSpace());
    const multi = setupFor(mixedSpace(), { objectives: [...twoObjectives] });
    const cases: [SamplerSpec, typeof single][] = [
      [{ type: 'gp', options: { cost_aware: true } }, single],
      [{ type: 'gp', options: { cost_aware: true } }, multi],
      [{ type: 'gp', options: {} }, setupFor(mixedSpace(), { objectives: [...twoObjectives, { metric: 'a', direction: 'maximize' }, { metric: 'b', direction: 'maximize' }] })],
      [{ type: 'grid', options: { levelz: 3 } }, single],
      [{ type: 'sobol', options: {} }, setupFor(new SearchSpace(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, float(0, 1)]))))],
    ];
    for (const [spec, setup] of cases) {
      const issues = samplers.validate(spec, setup);
      let created = true;
      try {
        createSampler(spec, setup);
      } catch (e) {
        if (!(e instanceof StudySpecError)) throw e;
        created = false;
        expect(e.issues).toEqual(issues);
      }
      expect(created, JSON.stringify(spec)).toBe(issues.length === 0);
    }
    expect(samplers.validate({ type: 'gp', options: { cost_aware: true } }, multi)).toEqual([
      { path: 'sampler.cost_aware', message: expect.stringMatching(/needs a single objective, the study has 2; remove cost_aware/) },
    ]);
  });
});

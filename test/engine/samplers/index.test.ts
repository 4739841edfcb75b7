import { describe, expect, it } from 'vitest';
import { availableSamplers, createSampler, registerSampler } from '../../../src/main/engine/samplers/index.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import type { SamplerSpec } from '../../../src/main/engine/study/types.js';
import { mixedSpace } from './spaces.js';

function specError(spec: SamplerSpec): StudySpecError {
  try {
    createSampler(spec, mixedSpace());
  } catch (e) {
    if (e instanceof StudySpecError) return e;
    throw e;
  }
  throw new Error(`createSampler(${JSON.stringify(spec)}) did not throw`);
}

describe('createSampler', () => {
  it('creates random, sobol and grid samplers', () => {
    expect(createSampler({ type: 'random', options: {} }, mixedSpace()).name).toBe('random');
    expect(createSampler({ type: 'sobol', options: { scramble: false } }, mixedSpace()).name).toBe('sobol');
    expect(createSampler({ type: 'grid', options: { levels: 3 } }, mixedSpace()).name).toBe('grid');
  });

  it('rejects bad option values at sampler.<key>, naming the fix', () => {
    const zero = specError({ type: 'grid', options: { levels: 0 } });
    expect(zero.issues).toEqual([{ path: 'sampler.levels', message: expect.stringMatching(/integer between 2 and 10000.*got 0/) }]);
    expect(specError({ type: 'grid', options: { levels: 2.5 } }).issues[0]!.path).toBe('sampler.levels');
    expect(specError({ type: 'sobol', options: { scramble: 'yes' } }).issues[0]!.path).toBe('sampler.scramble');
  });

  it('rejects unknown option keys, suggesting the near miss', () => {
    const typo = specError({ type: 'grid', options: { level: 4 } });
    expect(typo.issues[0]!.path).toBe('sampler.level');
    expect(typo.issues[0]!.message).toMatch(/did you mean "levels"/);
    const none = specError({ type: 'random', options: { levels: 4 } });
    expect(none.issues[0]).toEqual({ path: 'sampler.levels', message: expect.stringMatching(/random sampler takes no options/) });
  });

  it('says a planned type is not available in this version and lists those that are', () => {
    for (const type of ['gp', 'tpe']) {
      const err = specError({ type, options: {} });
      expect(err.issues).toHaveLength(1);
      expect(err.issues[0]!.path).toBe('sampler.type');
      expect(err.issues[0]!.message).toMatch(new RegExp(`${type} sampler is not available in this version; available: random, sobol, grid`));
    }
    expect(specError({ type: 'bayes', options: {} }).issues[0]!.message).toMatch(/unknown sampler "bayes"/);
  });

  it('lets other modules register a sampler type', () => {
    registerSampler('gp', (options, space) => {
      const inner = createSampler({ type: 'random', options: {} }, space);
      return { ...inner, name: `gp-like(${JSON.stringify(options)})`, ask: (ctx) => inner.ask(ctx) };
    });
    expect(availableSamplers()).toContain('gp');
    expect(createSampler({ type: 'gp', options: { xi: 1 } }, mixedSpace()).name).toBe('gp-like({"xi":1})');
  });
});

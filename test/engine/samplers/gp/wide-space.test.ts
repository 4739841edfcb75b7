// A GP over more parameters than Sobol has direction numbers (64): it used to pass validation, create the
// study, and crash at the first ask. Both its design and its acquisition candidates must work past 64.
import { describe, expect, it } from 'vitest';
import type { Params } from '../../../../src/shared/types.js';
import { createGpSampler } from '../../../../src/main/engine/samplers/gp/sampler.js';
import { SOBOL_MAX_DIMENSION, unitDesign } from '../../../../src/main/engine/samplers/sobol.js';
import { SearchSpace } from '../../../../src/main/engine/study/space.js';
import { floatParam, runStudy } from './helpers.js';

const D = 70;
const space = new SearchSpace(Object.fromEntries(Array.from({ length: D }, (_, i) => [`p${i}`, floatParam(-1, 1)])));
const sphere = (p: Params) => ({ y: Object.values(p).reduce<number>((s, v) => s + (v as number) ** 2, 0) });

describe('GP sampler over 70 parameters', () => {
  it('suggests valid configurations in its initial design and from its model', () => {
    const sampler = createGpSampler({ type: 'gp', options: { n_startup: 4, candidates: 64, local_searches: 1 } }, space);
    const trials = runStudy(sampler, space, [{ metric: 'y', direction: 'minimize' }], sphere, 7, 11);
    for (const t of trials) expect(space.check(t.params)).toBeNull();
    expect(new Set(trials.map((t) => space.key(t.params))).size).toBe(7);
    // Asks 5-7 went through the model (a fallback would have been counted), not only the design.
    expect(sampler.fallbacks).toBe(0);
  });

  it('draws seeded, reproducible design points in any dimension', () => {
    expect(SOBOL_MAX_DIMENSION).toBe(64);
    const a = unitDesign(D, 9);
    const b = unitDesign(D, 9);
    expect(a.point(3)).toEqual(b.point(3));
    expect(a.point(3)).not.toEqual(a.point(4));
    expect(unitDesign(D, 10).point(3)).not.toEqual(a.point(3));
    for (const u of a.point(5)) expect(u >= 0 && u < 1).toBe(true);
  });
});

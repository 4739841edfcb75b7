import { describe, expect, it } from 'vitest';
import { RandomSampler } from '../../../src/main/engine/samplers/random.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { samplerContract } from './sampler-contract.js';
import { cat, context, float, int, runStudy, trialView } from './spaces.js';

samplerContract('random', () => new RandomSampler(), { seeded: true });

describe('RandomSampler', () => {
  it('draws uniformly: 2000 draws of a float fall evenly into 10 bins', () => {
    const space = new SearchSpace({ x: float(-1, 1) });
    const xs = runStudy(new RandomSampler(), space, { seed: 5, count: 2000 }).params.map((p) => p.x as number);
    const bins = Array.from({ length: 10 }, () => 0);
    for (const x of xs) bins[Math.min(9, Math.floor(((x + 1) / 2) * 10))]!++;
    // Expected 200 per bin; 140..260 is beyond 4 standard deviations.
    for (const b of bins) expect(b).toBeGreaterThan(140);
    for (const b of bins) expect(b).toBeLessThan(260);
  });

  it('gives every categorical choice and integer value its share', () => {
    const space = new SearchSpace({ c: cat(['a', 'b', 'c']), n: int(0, 3) });
    const run = runStudy(new RandomSampler(), space, { seed: 8, count: 1200 });
    for (const choice of ['a', 'b', 'c']) {
      const share = run.params.filter((p) => p.c === choice).length / run.params.length;
      expect(share).toBeGreaterThan(0.28);
      expect(share).toBeLessThan(0.39);
    }
    // The space has only 12 configurations: repeats are allowed nowhere, so the study ends after 12.
    expect(run.params.length).toBe(12);
  });

  it('each ask depends on the trial count, not on earlier asks of the same instance', () => {
    const space = new SearchSpace({ x: float(0, 1) });
    const trials = Array.from({ length: 7 }, (_, i) => trialView(i, { x: i / 10 }));
    const sampler = new RandomSampler();
    sampler.ask(context(space, [], 1));
    sampler.ask(context(space, [], 1));
    expect(sampler.ask(context(space, trials, 1))).toEqual(new RandomSampler().ask(context(space, trials, 1)));
    expect(sampler.ask(context(space, trials, 1))).not.toEqual(sampler.ask(context(space, trials.slice(1), 1)));
  });
});

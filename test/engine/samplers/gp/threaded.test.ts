// The GP's model-based step in a worker thread: the same suggestions as inline for the same seed, the
// caller's event loop free while the worker thinks, and the worker entry found from sources and bundles.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { Params } from '../../../../src/shared/types.js';
import { createGpSampler } from '../../../../src/main/engine/samplers/gp/sampler.js';
import { offThread } from '../../../../src/main/engine/samplers/gp/threaded.js';
import { GpWorker, gpWorkerEntry } from '../../../../src/main/engine/samplers/gp/worker-client.js';
import type { Sampler, Suggestion, TrialView } from '../../../../src/main/engine/samplers/types.js';
import { SearchSpace } from '../../../../src/main/engine/study/space.js';
import { ROOT } from '../../../helpers/cli.js';
import { branin, floatParam, trial } from './helpers.js';

const MIN_Y = [{ metric: 'y', direction: 'minimize' as const }];
const space = new SearchSpace({
  x1: floatParam(-5, 10),
  x2: floatParam(0, 15),
  kind: { type: 'categorical', choices: ['a', 'b'], when: null },
});
const constraints = [{ metric: 'c', min: null, max: 40 }];
const evaluate = (p: Params) => ({ y: branin(p) + (p.kind === 'b' ? 1 : 0), c: (p.x1 as number) ** 2 + (p.x2 as number) });
const make = () => createGpSampler({ type: 'gp', options: { candidates: 256 } }, space, { constraints });

const worker = new GpWorker();
afterAll(() => worker.close());

async function run(sampler: Sampler, evals: number, seed: number): Promise<{ suggestions: Suggestion[]; trials: TrialView[] }> {
  const trials: TrialView[] = [];
  const suggestions: Suggestion[] = [];
  for (let i = 0; i < evals; i++) {
    const s = await sampler.ask({ space, objectives: MIN_Y, trials, seed });
    suggestions.push(s);
    if (s.kind !== 'params') throw new Error(`unexpected exhaustion: ${s.reason}`);
    // Every third trial stays running: the model fantasizes over pending points too.
    trials.push(i % 3 === 2 ? trial(i, s.params, null, 'running') : trial(i, s.params, evaluate(s.params)));
  }
  return { suggestions, trials };
}

describe('GP sampler off the event loop', () => {
  it('suggests exactly what the inline sampler suggests for the same seed, computed on another thread', async () => {
    const threads: number[] = [];
    const inline = make();
    const threaded = offThread(make(), { worker, onStep: (id) => threads.push(id) });
    const a = await run(inline, 14, 4);
    const b = await run(threaded, 14, 4);
    expect(b.suggestions).toEqual(a.suggestions);
    // Startup design points need no model; every later ask went to the worker.
    expect(threads.length).toBe(14 - 5);
    expect(new Set(threads).size).toBe(1);
    expect(threads[0]).not.toBe(threadId);
    // The state stays with the sampler on this thread: snapshots match, and restore resumes identically.
    expect(threaded.snapshot()).toEqual(inline.snapshot());
    const resumed = offThread(make(), { worker });
    resumed.restore(JSON.parse(JSON.stringify(threaded.snapshot())));
    const next = await inline.ask({ space, objectives: MIN_Y, trials: a.trials, seed: 4 });
    expect(await resumed.ask({ space, objectives: MIN_Y, trials: a.trials, seed: 4 })).toEqual(next);
  });

  it('leaves the caller’s event loop free while the worker fits and optimizes', async () => {
    // 150 finished trials: a fit that takes the worker far longer than a timer takes to fire, even on a
    // loaded machine where this thread may wait for a core (with 12 trials the worker once answered first).
    let s = 7;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const trials = Array.from({ length: 150 }, (_, i) => {
      const params = { x1: -5 + 15 * rand(), x2: 15 * rand(), kind: rand() < 0.5 ? 'a' : 'b' };
      return trial(i, params, evaluate(params));
    });
    const order: string[] = [];
    const threaded = offThread(make(), { worker });
    const asked = Promise.resolve(threaded.ask({ space, objectives: MIN_Y, trials, seed: 2 })).then(() => order.push('answer'));
    // A timer set after the ask fires before the answer: the fit is not holding this thread.
    setTimeout(() => order.push('timer'), 0);
    await asked;
    expect(order).toEqual(['timer', 'answer']);
    // Inline, the same ask holds the thread until it is done.
    const inlineOrder: string[] = [];
    setTimeout(() => inlineOrder.push('timer'), 0);
    make().ask({ space, objectives: MIN_Y, trials, seed: 2 });
    inlineOrder.push('answer');
    await new Promise((r) => setTimeout(r, 5));
    expect(inlineOrder).toEqual(['answer', 'timer']);
  });

  it('computes inline, and says so once, when the worker bundle is missing', async () => {
    const logs: string[] = [];
    const threads: number[] = [];
    const orphan = offThread(make(), { worker: new GpWorker(() => null), log: (m) => logs.push(m), onStep: (id) => threads.push(id) });
    const a = await run(make(), 8, 6);
    const b = await run(orphan, 8, 6);
    expect(b.suggestions).toEqual(a.suggestions);
    expect(threads).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/GP worker bundle is missing.*npm run build:cli.*main thread/);
  });

  it('finds the worker beside a bundle, else the CLI build’s copy when run from sources', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-gp-worker-'));
    try {
      writeFileSync(path.join(dir, 'gp-worker.js'), '');
      expect(gpWorkerEntry(path.join(dir, 'index.js'))).toBe(path.join(dir, 'gp-worker.js'));
      writeFileSync(path.join(dir, 'gp-worker.mjs'), '');
      expect(gpWorkerEntry(path.join(dir, 'nightshift.mjs'))).toBe(path.join(dir, 'gp-worker.mjs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(gpWorkerEntry()).toBe(path.join(ROOT, 'out', 'cli', 'gp-worker.mjs'));
  });

  it('honours NIGHTSHIFT_GP_INLINE=1 by returning the inline sampler itself', () => {
    const gp = make();
    process.env.NIGHTSHIFT_GP_INLINE = '1';
    try {
      expect(offThread(gp)).toBe(gp);
    } finally {
      delete process.env.NIGHTSHIFT_GP_INLINE;
    }
    expect(offThread(gp)).not.toBe(gp);
  });
});

// Importance in the worker thread (the bundle the test setup builds, out/cli/importance-worker.mjs): the same
// numbers as the inline function, an event loop that keeps running while the forests grow, errors that come
// back as rejections, and the inline fallback of a checkout whose bundle was never built.
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { Objective } from '../../../src/shared/types.js';
import { importanceTask, runImportanceTask, type ImportanceTask } from '../../../src/main/engine/importance/report.js';
import { importanceOffThread, sharedImportanceThread } from '../../../src/main/engine/importance/threaded.js';
import type { ScoredTrial } from '../../../src/main/engine/importance/index.js';
import { Rng } from '../../../src/main/engine/samplers/rng.js';
import type { ParamSpec } from '../../../src/main/engine/study/types.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { TaskThread } from '../../../src/main/engine/task-thread.js';

const SPACE: Record<string, ParamSpec> = {
  lr: { type: 'float', low: 1e-4, high: 1e-1, log: true, step: null, when: null },
  units: { type: 'int', low: 8, high: 64, log: false, step: 1, when: null },
  act: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'], when: null },
  junk: { type: 'float', low: 0, high: 1, log: false, step: null, when: null },
};
const OBJECTIVES: Objective[] = [
  { metric: 'loss', direction: 'minimize' },
  { metric: 'energy_j', direction: 'minimize' },
];

function trials(n: number, seed: number): ScoredTrial[] {
  const space = new SearchSpace(SPACE);
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const params = space.fromUnitVector(space.names.map(() => rng.uniform()));
    const loss = (Math.log10(params.lr as number) + 2) ** 2 + { relu: 0, tanh: 1.5, gelu: 0.6 }[params.act as string]! + 0.1 * rng.uniform();
    return { state: 'complete', params, values: { loss, energy_j: 10 * (params.units as number) + rng.uniform() } };
  });
}

/** Longest gap beyond its period between two ticks of a timer, while `work` runs. */
async function maxTimerLag(work: () => Promise<unknown>): Promise<number> {
  const period = 5;
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - period);
    last = now;
  }, period);
  try {
    // Let the timer tick once before the work starts, so the lag measured is the work's.
    await new Promise((r) => setTimeout(r, 3 * period));
    await work();
    await new Promise((r) => setTimeout(r, 3 * period));
  } finally {
    clearInterval(timer);
  }
  return worst;
}

afterAll(() => sharedImportanceThread().close());

describe('importance in a worker thread', () => {
  it('answers with the inline function’s numbers, seed for seed, computed on another thread', async () => {
    for (const seed of [1, 2]) {
      const task = importanceTask(trials(120, seed), SPACE, OBJECTIVES, { forest: { seed, trees: 16 } });
      const { result, threadId: worker } = await importanceOffThread(task);
      expect(worker).not.toBeNull();
      expect(worker).not.toBe(threadId);
      expect(result).toEqual(runImportanceTask(task));
      expect(result.map((o) => o.importance[0]?.param)).toEqual(['lr', 'units']);
    }
  });

  it('keeps the event loop running while a large computation runs there', async () => {
    const task = importanceTask(trials(2000, 3), SPACE, OBJECTIVES);
    await importanceOffThread(importanceTask(trials(10, 4), SPACE, OBJECTIVES)); // the worker is started
    let inline: unknown;
    const inlineLag = await maxTimerLag(async () => {
      inline = runImportanceTask(task);
    });
    let threaded: unknown;
    const threadedLag = await maxTimerLag(async () => {
      threaded = (await importanceOffThread(task)).result;
    });
    expect(threaded).toEqual(inline);
    // Inline, the timer waits for the whole computation; in the worker it only waits for the copy of the task.
    expect(threadedLag).toBeLessThan(inlineLag / 5);
  });

  it('turns an error in the worker into a rejection with its message, and keeps serving', async () => {
    const bad = { ...importanceTask(trials(5, 5), SPACE, OBJECTIVES), trials: [1, 2].map(() => ({ state: 'complete', params: null, values: { loss: 1, energy_j: 1 } })) } as unknown as ImportanceTask;
    await expect(importanceOffThread(bad)).rejects.toThrow(/null/);
    // The report's lenient task gives such an objective no importance instead.
    expect((await importanceOffThread({ ...bad, lenient: true })).result.map((o) => o.importance)).toEqual([[], []]);
    const ok = importanceTask(trials(30, 6), SPACE, OBJECTIVES);
    expect((await importanceOffThread(ok)).result).toEqual(runImportanceTask(ok));
  });

  it('computes inline when the worker bundle is missing', async () => {
    const task = importanceTask(trials(30, 7), SPACE, OBJECTIVES);
    const { result, threadId: where } = await importanceOffThread(task, new TaskThread('importance', () => null));
    expect(where).toBeNull();
    expect(result).toEqual(runImportanceTask(task));
  });
});

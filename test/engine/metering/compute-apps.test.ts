import { describe, expect, it } from 'vitest';
import { attributeComputeApps, foreignBusyGpus, gpuIndexOfBus, type AppLookups, type AppTrial } from '../../../src/main/engine/metering/compute-apps.js';
import type { GpuIdentity } from '../../../src/main/engine/metering/csv-parse.js';
import type { ComputeApp } from '../../../src/main/engine/metering/types.js';

const GPUS: GpuIdentity[] = [0, 1].map((index) => ({
  index,
  bus_id: `0${index + 1}:00.0`,
  name: 'GPU',
  memory_mb: 24000,
  driver: null,
  power_limit_w: null,
  power_w: null,
}));

// A process tree: 200 and 201 are forked by trial root 100 (201 through 200); 300 is trial 2's root;
// 900 is someone else's job.
const PARENT = new Map([
  [200, 100],
  [201, 200],
  [900, 1],
]);
const look: AppLookups = {
  indexOfBus: (bus) => gpuIndexOfBus(GPUS, bus),
  descendsFrom: (pid, roots) => {
    for (let cur: number | undefined = pid; cur !== undefined; cur = PARENT.get(cur)) if (roots.has(cur)) return cur;
    return null;
  },
  selfPid: 42,
};
const trial = (key: string, pid: number, gpus: number[], pids: number[] = [pid]): AppTrial => ({ key, pid, pids: new Set(pids), gpus });
const app = (gpu: number, pid: number, used_mb: number | null): ComputeApp => ({ bus_id: `0${gpu + 1}:00.0`, pid, used_mb });

describe('compute-app attribution', () => {
  it('weights a shared GPU by each trial’s memory, counting forked children found through the process tree', () => {
    const a = trial('a', 100, [0]);
    const b = trial('b', 300, [0]);
    const r = attributeComputeApps([app(0, 100, 1000), app(0, 201, 500), app(0, 300, 3000)], [a, b], look);
    expect(r.weights.get(0)).toEqual(new Map([['a', 1500], ['b', 3000]]));
    expect(r.memoryMb).toEqual(new Map([['a', 1500], ['b', 3000]]));
    expect(r.foreign.size).toBe(0);
  });

  it('splits equally (no weights) when any trial process on the GPU has unknown memory, and only on that GPU', () => {
    const a = trial('a', 100, [0]);
    const b = trial('b', 300, [0, 1]);
    const r = attributeComputeApps([app(0, 100, null), app(0, 300, 2000), app(1, 300, 700)], [a, b], look);
    expect(r.weights.get(0)).toEqual(new Map());
    expect(r.weights.get(1)).toEqual(new Map([['b', 700]]));
    // Unknown memory counts as none in the trial's peak; a trial with no known memory has no figure at all.
    expect(r.memoryMb).toEqual(new Map([['b', 2700]]));
  });

  it('flags the trials on a GPU that a foreign process uses, not the engine itself nor other GPUs', () => {
    const a = trial('a', 100, [0]);
    const b = trial('b', 300, [1]);
    const r = attributeComputeApps([app(0, 100, 10), app(0, 42, 300), app(1, 300, 10), app(1, 900, 5000)], [a, b], look);
    expect([...r.foreign]).toEqual(['b']);
    // A trial process on a GPU it was not given is someone else's load for the trials there.
    const stray = attributeComputeApps([app(1, 200, 10), app(1, 300, 10)], [a, b], look);
    expect([...stray.foreign]).toEqual(['b']);
    expect(stray.weights.get(1)).toEqual(new Map([['b', 10]]));
  });

  it('leaves a trial without a row unweighted, which makes its GPU split equally', () => {
    const a = trial('a', 100, [0]);
    const b = trial('b', 300, [0]);
    const r = attributeComputeApps([app(0, 100, 1000), { bus_id: '0f:00.0', pid: 300, used_mb: 5 }], [a, b], look);
    expect(r.weights.get(0)).toEqual(new Map([['a', 1000]]));
  });

  it('finds GPUs busy with processes that are neither the engine nor a trial nor a trial’s child', () => {
    const apps = [app(0, 42, 100), app(0, 201, 100), app(1, 900, 100), app(1, 901, 100)];
    expect(foreignBusyGpus(apps, new Set([100]), look)).toEqual(new Map([[1, 900]]));
    expect(foreignBusyGpus(apps, new Set(), look)).toEqual(new Map([[0, 201], [1, 900]]));
  });

  it('places a row without a bus id only on a single-GPU machine', () => {
    expect(gpuIndexOfBus(GPUS, null)).toBeNull();
    expect(gpuIndexOfBus(GPUS.slice(1), null)).toBe(1);
    expect(gpuIndexOfBus(GPUS, '02:00.0')).toBe(1);
    expect(gpuIndexOfBus(GPUS, '0a:00.0')).toBeNull();
  });
});

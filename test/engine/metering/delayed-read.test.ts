// nvidia-smi stamps its readings; lines that waited in the pipe while the engine's event loop was blocked
// (a long synchronous computation) must still be integrated at the time they were taken.
import { spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Meter } from '../../../src/main/engine/metering/index.js';
import { makeFakeGpu, type FakeGpu, type FakeGpuScenario } from '../../fixtures/fake-gpu/fake-gpu.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const proc = spawn('sleep', ['60'], { stdio: 'ignore' });
afterAll(() => {
  proc.kill('SIGKILL');
});
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const GPU = { index: 0, bus_id: '00000000:01:00.0', power: { kind: 'const', w: 100 } };

async function setup(scenario: FakeGpuScenario): Promise<{ fake: FakeGpu; meter: Meter }> {
  const fake = makeFakeGpu(scenario);
  cleanups.push(() => fake.cleanup());
  const meter = await Meter.start({ nvidiaSmi: fake.nvidiaSmi, intervalMs: 100, idleSeconds: 0, raplRoot: '/nonexistent' });
  cleanups.push(() => meter.stop());
  return { fake, meter };
}

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin: nothing else on this thread runs, as during an inline GP fit
  }
}

describe('delayed nvidia-smi reads', () => {
  it('integrates a 1 s power pulse read only after a 1.5 s blocked event loop over the time it happened', async () => {
    const { fake, meter } = await setup({ gpus: [GPU] });
    meter.beginTrial('t', proc.pid as number, [0]);
    await sleep(400);
    // 400 W (300 above the 100 W base) from 200 ms to 1200 ms from now, all of it while this thread spins.
    const from_s = (Date.now() - (fake.scenario.t0_ms as number) + 200) / 1000;
    fake.write({ ...fake.scenario, gpus: [{ ...GPU, power: { kind: 'pulse', base: 100, w: 400, from_s, to_s: from_s + 1 } }] });
    blockEventLoop(1500);
    await sleep(600);
    const r = await meter.endTrial('t');
    const expected = 100 * r.metrics.duration_s + 300 * 1;
    // Stamped on receipt, the pulse's readings would all land at the end of the block and add ~0 J.
    expect(Math.abs((r.metrics.gpu_energy_j as number) - expected)).toBeLessThan(30);
    // The late watchdog does not take the blocked loop for a hung nvidia-smi.
    expect(r.provenance.flags).toEqual([]);
  });

  it('falls back to the arrival time on drivers without the timestamp field', async () => {
    const { meter } = await setup({ gpus: [GPU], invalid_fields: ['timestamp'] });
    meter.beginTrial('t', proc.pid as number, [0]);
    await sleep(1500);
    const r = await meter.endTrial('t');
    expect(Math.abs((r.metrics.gpu_energy_j as number) / r.metrics.duration_s - 100)).toBeLessThan(5);
    expect(meter.gpuSeries()[0]?.points.length).toBeGreaterThan(5);
  });
});

// A wedged driver: nvidia-smi stops printing for 10 s. The engine's event loop must stay responsive, the trial
// measured meanwhile must say so, and sampling must come back on its own once nvidia-smi does.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, expect, it } from 'vitest';
import { Meter } from '../../../src/main/engine/metering/index.js';
import { loadScenario, makeFakeGpu } from '../../fixtures/fake-gpu/fake-gpu.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const proc = spawn('sleep', ['60'], { stdio: 'ignore' });
afterAll(() => {
  proc.kill('SIGKILL');
});

it('keeps the event loop free during a 10 s nvidia-smi hang, flags the trial, and recovers', async () => {
  const fake = makeFakeGpu(loadScenario('hang')); // silent from 0.6 s to 10.6 s after now
  const meter = await Meter.start({ nvidiaSmi: fake.nvidiaSmi, intervalMs: 100, idleSeconds: 0, raplRoot: '/nonexistent' });
  try {
    const t0 = fake.scenario.t0_ms as number;
    await sleep(Math.max(0, t0 + 1000 - Date.now()));
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    meter.beginTrial('during-hang', proc.pid as number, [0]);
    await sleep(3000);
    const hung = await meter.endTrial('during-hang');
    await sleep(Math.max(0, t0 + 10_000 - Date.now()));
    lag.disable();
    // p99 of the event loop's delay over ~9 s of hang, restarts and one endTrial, in ns.
    expect(lag.percentile(99) / 1e6).toBeLessThan(50);

    expect(hung.provenance.flags).toContain('stale_sampler');
    expect(hung.metrics.gpu_energy_j).toBeUndefined(); // no sample in the window: not measured, not 0
    expect(hung.provenance.notes.join('\n')).toMatch(/nvidia-smi (silent|restart)/);
    expect(meter.sources().gpu.events.some((e) => /restart/.test(e))).toBe(true);

    // The restarted child prints again once the hang is over (restart backoff 1, 2, 4 s: back by ~10.6 s).
    const deadline = Date.now() + 6000;
    while (Date.now() < deadline && (meter.gpuSeries()[0]?.points.at(-1)?.t_ms ?? 0) < t0 + 10_700) await sleep(100);
    meter.beginTrial('after', proc.pid as number, [0]);
    await sleep(1200);
    const after = await meter.endTrial('after');
    expect(after.provenance.flags).toEqual([]);
    expect(Math.abs((after.metrics.gpu_energy_j as number) - 80 * after.metrics.duration_s)).toBeLessThan(80 * after.metrics.duration_s * 0.03);
  } finally {
    await meter.stop();
    fake.cleanup();
  }
});

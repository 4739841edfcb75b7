// The Meter against a fake nvidia-smi child (real process, real time, real pipes) and real trial processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Meter } from '../../../src/main/engine/metering/index.js';
import { loadScenario, makeFakeGpu, type FakeGpu } from '../../fixtures/fake-gpu/fake-gpu.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fake(name: string, patch: Record<string, unknown> = {}): FakeGpu {
  const f = makeFakeGpu({ ...loadScenario(name), ...patch });
  cleanups.push(() => f.cleanup());
  return f;
}

async function meter(f: FakeGpu | null, opts: Parameters<typeof Meter.start>[0] = {}): Promise<Meter> {
  const m = await Meter.start({ nvidiaSmi: f ? f.nvidiaSmi : '/nonexistent/nvidia-smi', idleSeconds: 0, intervalMs: 100, raplRoot: '/nonexistent', ...opts });
  cleanups.push(() => m.stop());
  return m;
}

function child(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    c.kill('SIGKILL');
  });
  return c;
}

describe('Meter', () => {
  it('integrates a known power curve to within 2% of the analytic integral', async () => {
    const f = fake('sine-1gpu');
    const m = await meter(f, { intervalMs: 200 });
    const trial = child('sleep', ['30']);
    m.beginTrial('t1', trial.pid as number, [0]);
    await sleep(1200);
    const mid = m.sample('t1');
    await sleep(1300);
    const r = await m.endTrial('t1');
    // P(t) = 120 + 60 sin(2πt/4) with t in s since the scenario's t0.
    const t0 = f.scenario.t0_ms as number;
    const F = (ms: number) => {
      const t = (ms - t0) / 1000;
      return 120 * t - ((60 * 4) / (2 * Math.PI)) * Math.cos((2 * Math.PI * t) / 4);
    };
    const analytic = F(r.window.end_ms) - F(r.window.start_ms);
    expect(r.metrics.gpu_energy_j).toBeDefined();
    expect(Math.abs((r.metrics.gpu_energy_j as number) - analytic) / analytic).toBeLessThan(0.02);
    expect(r.metrics.mean_gpu_power_w).toBeCloseTo((r.metrics.gpu_energy_j as number) / r.metrics.duration_s, 6);
    // Intermediate reports carry a cumulative figure that only grows.
    expect(mid.gpu_energy_j).toBeGreaterThan(0);
    expect(mid.gpu_energy_j as number).toBeLessThan(r.metrics.gpu_energy_j as number);
    // Gross energy includes the CPU share; the idle baseline came from the first samples.
    expect(r.metrics.energy_j).toBeCloseTo((r.metrics.gpu_energy_j as number) + (r.metrics.cpu_energy_j as number), 9);
    const baseline = r.provenance.gpu.baseline_w['0'] as number;
    expect(baseline).toBeGreaterThan(100);
    expect(r.metrics.energy_above_idle_j).toBeCloseTo(Math.max(0, (r.metrics.gpu_energy_j as number) - baseline * r.metrics.duration_s + (r.metrics.cpu_energy_j as number)), 3);
    expect(r.metrics.co2_g).toBeCloseTo(((r.metrics.energy_j as number) / 3.6e6) * 480, 9);
    expect(r.metrics.cost).toBeCloseTo(((r.metrics.energy_j as number) / 3.6e6) * 0.3, 9);
    expect(r.provenance.gpu).toMatchObject({ source: 'nvidia-smi', interval_ms: 200, estimate: false });
    expect(r.provenance.cpu.source).toBe('estimate');
    expect(r.provenance.flags).toEqual([]);
    const series = m.gpuSeries();
    expect(series.map((s) => s.index)).toEqual([0]);
    expect(series[0]?.points.length).toBeGreaterThan(8);
  });

  it('splits a shared GPU so the trials never sum above the device, equally when memory is unknown', async () => {
    const f = fake('const-2gpu');
    const m = await meter(f);
    const [a, b, c] = [child('sleep', ['30']), child('sleep', ['30']), child('sleep', ['30'])];
    const before = m.gpuSeries().map((s) => s.energy_j);
    m.beginTrial('x', a.pid as number, [0]);
    await sleep(400);
    m.beginTrial('y', b.pid as number, [0]);
    m.beginTrial('both', c.pid as number, [0, 1]);
    await sleep(800);
    const x = await m.endTrial('x');
    await sleep(400);
    const y = await m.endTrial('y');
    const both = await m.endTrial('both');
    const after = m.gpuSeries().map((s) => s.energy_j);
    const device0 = (after[0] as number) - (before[0] as number);
    const sum0 = (x.metrics.gpu_energy_j as number) + (y.metrics.gpu_energy_j as number) + (both.provenance.gpu.energy_by_gpu_j['0'] as number);
    expect(sum0).toBeLessThanOrEqual(device0 + 1e-9);
    // GPU 0 draws 200 W all along and is always fully attributed while any trial runs on it.
    const union0 = (Math.max(y.window.end_ms, both.window.end_ms) - x.window.start_ms) / 1000;
    expect(Math.abs(sum0 - 200 * union0) / (200 * union0)).toBeLessThan(0.03);
    // x ran alone for 0.4 s, then shared three ways.
    const xAlone = (y.window.start_ms - x.window.start_ms) / 1000;
    const xShared = (x.window.end_ms - y.window.start_ms) / 1000;
    const expectedX = 200 * xAlone + (200 / 3) * xShared;
    expect(Math.abs((x.metrics.gpu_energy_j as number) - expectedX) / expectedX).toBeLessThan(0.05);
    // The two-GPU trial gets GPU 1 alone (100 W) plus its share of GPU 0.
    expect(Math.abs((both.provenance.gpu.energy_by_gpu_j['1'] as number) - 100 * both.metrics.duration_s)).toBeLessThan(100 * both.metrics.duration_s * 0.03);
    expect(both.metrics.gpu_energy_j).toBeCloseTo((both.provenance.gpu.energy_by_gpu_j['0'] as number) + (both.provenance.gpu.energy_by_gpu_j['1'] as number), 9);
    expect(both.metrics.peak_gpu_mem_mb).toBeUndefined(); // GPU 0 was shared and no per-process figure exists
  });

  it('weights a shared GPU by the trials’ per-process memory and flags foreign processes', async () => {
    const [a, b, c, stranger] = [child('sleep', ['30']), child('sleep', ['30']), child('sleep', ['30']), child('sleep', ['30'])];
    const f = fake('const-2gpu', {
      compute_apps: [
        { bus_id: '00000000:17:00.0', pid: a.pid, used_mb: 3000 },
        { bus_id: '00000000:17:00.0', pid: b.pid, used_mb: 1000 },
        { bus_id: '00000000:65:00.0', pid: stranger.pid, used_mb: 500 },
      ],
    });
    const m = await meter(f, { computeAppsIntervalMs: 100 });
    m.beginTrial('a', a.pid as number, [0]);
    m.beginTrial('b', b.pid as number, [0]);
    m.beginTrial('c', c.pid as number, [1]);
    // Shares are equal until the first per-process poll lands; compare what each trial gets after that.
    await sleep(1000);
    const [a1, b1] = [m.sample('a').gpu_energy_j as number, m.sample('b').gpu_energy_j as number];
    await sleep(800);
    const [a2, b2] = [m.sample('a').gpu_energy_j as number, m.sample('b').gpu_energy_j as number];
    expect((a2 - a1) / (b2 - b1)).toBeGreaterThan(2.7);
    expect((a2 - a1) / (b2 - b1)).toBeLessThan(3.3);
    const [ra, rb, rc] = await Promise.all([m.endTrial('a'), m.endTrial('b'), m.endTrial('c')]);
    const ea = ra.metrics.gpu_energy_j as number;
    const eb = rb.metrics.gpu_energy_j as number;
    expect(ea + eb).toBeLessThanOrEqual(200 * ((Math.max(ra.window.end_ms, rb.window.end_ms) - ra.window.start_ms) / 1000) * 1.03);
    expect(ra.metrics.peak_gpu_mem_mb).toBe(3000);
    expect(ra.provenance.gpu.memory_source).toBe('per_process');
    expect(ra.provenance.flags).not.toContain('foreign_processes');
    expect(rc.provenance.flags).toContain('foreign_processes');
  });

  it('survives placeholders, garbage lines, a GPU that vanishes and a power cap, and flags them', async () => {
    const f = fake('hostile');
    const m = await meter(f);
    const [p0, p1] = [child('sleep', ['30']), child('sleep', ['30'])];
    m.beginTrial('g0', p0.pid as number, [0]);
    m.beginTrial('g1', p1.pid as number, [1]);
    await sleep(2800);
    const [r0, r1] = await Promise.all([m.endTrial('g0'), m.endTrial('g1')]);
    expect(r0.provenance.flags).toContain('throttled');
    expect(Math.abs((r0.metrics.gpu_energy_j as number) - 250 * r0.metrics.duration_s) / (250 * r0.metrics.duration_s)).toBeLessThan(0.03);
    expect(r0.metrics.peak_gpu_mem_mb).toBe(1024);
    expect(r0.provenance.gpu.memory_source).toBe('device');
    expect(r1.provenance.flags).toContain('gpu_vanished');
    // GPU 1's samples end 1.5 s after t0: its energy covers the window up to there, and says so.
    const t0 = f.scenario.t0_ms as number;
    const expected1 = 150 * ((t0 + 1500 - r1.window.start_ms) / 1000);
    expect(Math.abs((r1.metrics.gpu_energy_j as number) - expected1)).toBeLessThan(150 * 0.25);
    expect(r1.provenance.notes.join('\n')).toMatch(/had no sample/);
    expect(r1.metrics.peak_gpu_mem_mb).toBeUndefined(); // memory.used was [Unknown Error]
    expect(m.gpuSeries().find((s) => s.index === 1)?.vanished).toBe(true);
  });

  it('falls back to the renamed throttle field when the driver rejects the old one', async () => {
    const f = fake('const-2gpu', { invalid_fields: ['clocks_throttle_reasons.active'] });
    f.write({ ...f.scenario, gpus: f.scenario.gpus.map((g) => ({ ...g, throttle_mask: 0x40 })) });
    const m = await meter(f);
    m.beginTrial('t', process.pid, [1]);
    await sleep(1100);
    const r = await m.endTrial('t');
    expect(r.provenance.flags).toEqual(['throttled']);
    expect(r.metrics.gpu_energy_j).toBeGreaterThan(0);
  });

  it('omits GPU metrics and says why when nvidia-smi is missing', async () => {
    const m = await meter(null);
    const p = child('sleep', ['30']);
    m.beginTrial('t', p.pid as number, [0]);
    await sleep(300);
    const r = await m.endTrial('t');
    expect(r.metrics.gpu_energy_j).toBeUndefined();
    expect(r.metrics.mean_gpu_power_w).toBeUndefined();
    expect(r.metrics.energy_j).toBe(r.metrics.cpu_energy_j);
    expect(r.provenance.gpu.source).toBe('none');
    expect(r.provenance.gpu.reason).toMatch(/not found on PATH/);
    expect(r.provenance.flags).toContain('short_window');
    expect(m.sources().gpu.source).toBe('none');
  });
});

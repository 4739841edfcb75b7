// The engine's one handle on metering: start it once, then beginTrial / sample / endTrial per trial. This file
// owns the timers and wires the parts: the nvidia-smi stream (gpu-sampler.ts), the idle baseline
// (idle-baseline.ts), trial windows (trial-window.ts), compute-app attribution (compute-apps.ts) and the
// energy integral (attribution.ts).
import { DEFAULT_GRID_G_PER_KWH, DEFAULT_PRICE_PER_KWH } from '../settings.js';
import { GpuAttributor } from './attribution.js';
import { attributeComputeApps, foreignBusyGpus, gpuIndexOfBus, type AppLookups } from './compute-apps.js';
import { CpuEnergy, DEFAULT_CPU_WATTS } from './cpu-energy.js';
import type { GpuIdentity } from './csv-parse.js';
import { GpuSampler, type SamplerEvent } from './gpu-sampler.js';
import { IdleBaseline } from './idle-baseline.js';
import { queryComputeApps, queryGpuIdentities } from './nvidia-smi.js';
import { ProcReader } from './proc.js';
import { reapedCpu } from './reaped-cpu.js';
import { SeriesBuffer } from './series.js';
import { buildMeasurement, type FinishedTrial } from './measurement.js';
import { applyGpuSample, applySamplerEvent, openWindow, peakGpuMemory, type TrialWindow } from './trial-window.js';
import type { ComputeApp, CumulativeEnergy, GpuProvenance, GpuSample, GpuSeries, MeterOptions, TrialMeasurement } from './types.js';

export interface MeterSources {
  gpu: { source: 'nvidia-smi' | 'none'; reason: string; gpus: number[]; events: string[] };
  cpu: { source: 'rapl' | 'estimate' | 'none'; reason: string };
}

export class Meter {
  private readonly trials = new Map<string, TrialWindow>();
  private readonly attributor = new GpuAttributor();
  private readonly series = new Map<number, SeriesBuffer>();
  /** Each GPU's used memory at its last sample (MB). */
  private readonly lastMemUsed = new Map<number, number>();
  private sampler: GpuSampler | null = null;
  private identities: GpuIdentity[] = [];
  private gpuReason = '';
  private readonly samplerNotes: string[] = [];
  private tickTimer: NodeJS.Timeout | null = null;
  private appsTimer: NodeJS.Timeout | null = null;
  private tickChain: Promise<void> = Promise.resolve();
  private tickPending = false;
  private appsRunning = false;
  private idle: IdleBaseline | null = new IdleBaseline();
  private stopped = false;
  private readonly intervalMs: number;
  private readonly nvidiaSmi: string;
  private readonly now: () => number;
  private readonly grid: number;
  private readonly price: number;
  private readonly proc: ProcReader;
  private readonly cpu: CpuEnergy;

  private constructor(private readonly opts: MeterOptions) {
    this.intervalMs = Math.max(50, opts.intervalMs ?? 500);
    this.nvidiaSmi = opts.nvidiaSmi ?? 'nvidia-smi';
    this.now = opts.now ?? Date.now;
    this.grid = opts.gridIntensityGPerKWh ?? DEFAULT_GRID_G_PER_KWH;
    this.price = opts.pricePerKWh ?? DEFAULT_PRICE_PER_KWH;
    this.proc = new ProcReader(opts.procRoot);
    this.cpu = new CpuEnergy(this.proc, opts.cpuWatts ?? DEFAULT_CPU_WATTS);
  }

  /** Starts sampling and measures the idle baseline (idleSeconds, default 2) before resolving. */
  static async start(opts: MeterOptions = {}): Promise<Meter> {
    const m = new Meter(opts);
    await m.init();
    return m;
  }

  private async init(): Promise<void> {
    const [ids] = await Promise.all([queryGpuIdentities(this.nvidiaSmi), this.cpu.init(this.opts.raplRoot)]);
    if (ids.ok) {
      this.identities = ids.gpus;
      this.gpuReason = ids.gpus.length > 0 ? `nvidia-smi: ${ids.gpus.length} GPU(s)` : 'nvidia-smi reports no GPU';
    } else {
      this.gpuReason = ids.message;
    }
    if (!ids.ok && ids.kind === 'missing') {
      this.gpuReason = `GPU power not available: ${ids.message}`;
    } else {
      this.sampler = new GpuSampler({
        command: this.nvidiaSmi,
        intervalMs: this.intervalMs,
        now: this.now,
        onSample: (s) => this.onGpuSample(s),
        onEvent: (e) => this.onSamplerEvent(e),
      });
      this.sampler.start();
    }
    const t0 = this.now();
    await this.cpu.beginBaseline(t0);
    const idleMs = Math.max(0, (this.opts.idleSeconds ?? 2) * 1000);
    if (idleMs > 0) await sleep(idleMs);
    else await this.waitForFirstSamples(Math.min(10 * this.intervalMs, 5000));
    await this.cpu.endBaseline(t0, this.now());
    this.finishBaseline();
    this.tickTimer = setInterval(() => this.scheduleTick(), this.intervalMs);
    this.tickTimer.unref();
    if (this.sampler) {
      this.appsTimer = setInterval(() => void this.pollComputeApps(), Math.max(this.intervalMs, this.opts.computeAppsIntervalMs ?? 2000));
      this.appsTimer.unref();
    }
  }

  private async waitForFirstSamples(timeoutMs: number): Promise<void> {
    const deadline = this.now() + timeoutMs;
    const expected = this.identities.length || 1;
    while (this.sampler && this.sampler.state !== 'unavailable' && this.now() < deadline) {
      if ((this.idle?.gpusSeen ?? 0) >= expected) return;
      await sleep(Math.min(50, this.intervalMs / 2));
    }
  }

  private finishBaseline(): void {
    for (const [index, watts] of this.idle?.medians() ?? []) this.attributor.setBaseline(index, watts);
    this.idle = null;
  }

  /** Which sources this meter uses, and why (for `nightshift gpus`, logs and the study page). */
  sources(): MeterSources {
    return {
      gpu: {
        source: this.sampler && this.sampler.state !== 'unavailable' ? 'nvidia-smi' : 'none',
        reason: this.gpuReason,
        gpus: [...this.series.keys()].sort((a, b) => a - b),
        events: [...this.samplerNotes],
      },
      cpu: { source: this.cpu.source, reason: this.cpu.reason },
    };
  }

  /**
   * Opens the trial's window. `reused`: the process ran earlier trials (a reused trainer process), so only
   * the CPU time it uses from now on is this trial's; otherwise everything since its start is.
   */
  beginTrial(key: string, pid: number, gpuIndices: number[], reused = false): void {
    if (this.trials.has(key)) throw new Error(`meter: trial ${key} is already being measured`);
    const start = this.now();
    const st = openWindow(key, pid, gpuIndices, start);
    this.trials.set(key, st);
    reapedCpu.watch(pid);
    if (reused) this.cpu.prime(st.cpu, start);
    for (const g of st.gpus) this.attributor.addTrial(key, g, start);
    if (this.sampler?.state === 'stale' && st.gpus.length > 0) st.flags.add('stale_sampler');
    // Read the tree at once: a trial shorter than one interval would otherwise never be seen.
    this.scheduleTick();
  }

  /** Cumulative energy of a running (or ending) trial: its CPU part up to now, its GPU part to the last sample. */
  sample(key: string): CumulativeEnergy {
    const st = this.trials.get(key);
    if (!st) return { energy_j: null, gpu_energy_j: null, cpu_energy_j: null };
    if (st.end === null && !this.stopped) this.cpu.refresh(st.cpu, this.now());
    const gpu = this.gpuMeasurable(st)
      ? st.gpus.reduce((s, g) => s + (this.attributor.account(key, g)?.energy_j ?? 0), 0)
      : null;
    const cpu = this.cpu.source !== 'none' && st.cpu.seen ? st.cpu.energy_j : null;
    const energy = gpu === null && cpu === null ? null : (gpu ?? 0) + (cpu ?? 0);
    return { energy_j: energy, gpu_energy_j: gpu, cpu_energy_j: cpu };
  }

  /**
   * Closes the trial's window now and returns its measurement. Waits (at most ~3 intervals) for the GPU
   * sample that closes the window, so the tail is integrated rather than extrapolated.
   */
  async endTrial(key: string): Promise<TrialMeasurement> {
    const st = this.trials.get(key);
    if (!st) throw new Error(`meter: trial ${key} is not being measured`);
    if (st.end !== null) throw new Error(`meter: trial ${key} is already ending`);
    const end = this.now();
    st.end = end;
    for (const g of st.gpus) this.attributor.endTrial(key, g, end);
    await this.runTick();
    // What the process used after the tick before its exit, read from its reaping (reaped-cpu.ts).
    this.cpu.charge(st.cpu, reapedCpu.take(st.cpu.pid));
    const deadline = end + 3 * this.intervalMs + 200;
    const vanished = new Set(this.sampler?.vanishedGpus() ?? []);
    while (
      this.sampler &&
      this.sampler.state === 'running' &&
      this.now() < deadline &&
      st.gpus.some((g) => !vanished.has(g) && (this.attributor.lastSampleAt(g) ?? -Infinity) < end)
    ) {
      await sleep(Math.min(25, this.intervalMs / 4));
    }
    this.trials.delete(key);
    const accounts = st.gpus.map((g) => ({ index: g, account: this.attributor.takeTrial(key, g) }));
    const mem = peakGpuMemory(st);
    const finished: FinishedTrial = {
      start: st.start,
      end,
      gpus: accounts,
      gpuMeasurable: this.gpuMeasurable(st),
      cpu: st.cpu,
      cpuSource: this.cpu.source,
      peakGpuMemMb: mem.mb,
      gpuMemSource: mem.source,
      flags: st.flags,
      notes: [...st.notes],
    };
    return buildMeasurement(finished, {
      gpu: this.gpuProvenance(st),
      cpu: this.cpu.provenance(),
      grid: this.grid,
      price: this.price,
    });
  }

  /** Downsampled per-GPU series since the meter started, with each device's own energy integral. */
  gpuSeries(): GpuSeries[] {
    const vanished = new Set(this.sampler?.vanishedGpus() ?? []);
    return [...this.series.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, buf]) => ({
        index,
        baseline_w: this.attributor.baseline(index),
        energy_j: this.attributor.deviceEnergy(index),
        bucket_ms: buf.bucketMs,
        points: buf.points(),
        vanished: vanished.has(index),
      }));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.appsTimer) clearInterval(this.appsTimer);
    await this.sampler?.stop();
    await this.tickChain;
  }

  private gpuMeasurable(st: TrialWindow): boolean {
    return this.sampler !== null && this.sampler.state !== 'unavailable' && st.gpus.length > 0;
  }

  private gpuProvenance(st: TrialWindow): GpuProvenance {
    const baseline: Record<string, number> = {};
    for (const g of st.gpus) {
      const b = this.attributor.baseline(g);
      if (b !== null) baseline[String(g)] = b;
    }
    const measurable = this.gpuMeasurable(st);
    return {
      source: measurable ? 'nvidia-smi' : 'none',
      reason: st.gpus.length === 0 ? 'trial has no GPU' : measurable ? this.gpuReason : this.sampler ? 'nvidia-smi stream unavailable' : this.gpuReason,
      interval_ms: this.intervalMs,
      baseline_w: baseline,
      method: 'trapezoidal integral of nvidia-smi power.draw over the trial window; a shared GPU is split by the trials’ share of per-process GPU memory (equally when unknown)',
      memory_source: 'none',
      energy_by_gpu_j: {},
      estimate: false,
    };
  }

  /**
   * Whether GPU `index` has room for another trial like `key` (scheduler mode pause frees a frozen trial's
   * slot, but not its GPU memory): its free memory at the last sample against what `key` holds there (its
   * own peak, else the device's used memory split over the trials on it). Null when either is unknown.
   */
  gpuRoom(key: string, index: number): { freeMb: number; heldMb: number } | null {
    const total = this.identities.find((g) => g.index === index)?.memory_mb ?? null;
    const used = this.lastMemUsed.get(index) ?? null;
    const st = this.trials.get(key);
    if (total === null || used === null || !st) return null;
    const sharing = [...this.trials.values()].filter((t) => t.end === null && t.gpus.includes(index)).length;
    const held = peakGpuMemory(st).mb ?? used / Math.max(1, sharing);
    return { freeMb: Math.max(0, total - used), heldMb: held };
  }

  private onGpuSample(s: GpuSample): void {
    if (s.mem_used_mb !== null) this.lastMemUsed.set(s.index, s.mem_used_mb);
    let buf = this.series.get(s.index);
    if (!buf) {
      buf = new SeriesBuffer(this.intervalMs, this.opts.seriesMaxPoints);
      this.series.set(s.index, buf);
    }
    buf.add(s);
    if (this.idle && s.power_w !== null) this.idle.add(s.index, s.power_w);
    this.attributor.addSample(s.index, s.t, s.power_w);
    applyGpuSample(this.trials.values(), s);
  }

  private onSamplerEvent(e: SamplerEvent): void {
    const note = applySamplerEvent(this.trials.values(), e);
    if (note !== null) {
      this.samplerNotes.push(note);
      if (this.samplerNotes.length > 50) this.samplerNotes.shift();
    }
    if (e.type === 'unavailable') this.gpuReason = e.reason;
  }

  private scheduleTick(): void {
    if (this.tickPending || this.stopped) return;
    this.tickPending = true;
    this.tickChain = this.tickChain.then(async () => {
      this.tickPending = false;
      await this.tick();
    });
  }

  private runTick(): Promise<void> {
    this.tickChain = this.tickChain.then(() => this.tick());
    return this.tickChain;
  }

  private async tick(): Promise<void> {
    try {
      await this.cpu.tick(this.now(), [...this.trials.values()].map((st) => st.cpu));
    } catch {
      // /proc reads fail only when processes vanish mid-read; the next tick catches up.
    }
  }

  private async pollComputeApps(): Promise<void> {
    const active = [...this.trials.values()].filter((st) => st.end === null && st.gpus.length > 0);
    if (this.appsRunning || active.length === 0 || this.sampler?.state !== 'running') return;
    this.appsRunning = true;
    try {
      const apps = await queryComputeApps(this.nvidiaSmi, Math.max(2000, 4 * this.intervalMs));
      if (apps) this.attributeApps(apps, active);
    } finally {
      this.appsRunning = false;
    }
  }

  /** GPUs that processes other than this engine's trials compute on right now, with one such pid each. */
  async busyGpus(): Promise<Map<number, number>> {
    if (!this.sampler || this.identities.length === 0) return new Map();
    const apps = await queryComputeApps(this.nvidiaSmi, Math.max(2000, 4 * this.intervalMs));
    const ours = new Set([...this.trials.values()].filter((st) => st.end === null).map((st) => st.cpu.pid));
    return foreignBusyGpus(apps ?? [], ours, this.lookups());
  }

  private lookups(): AppLookups {
    return {
      indexOfBus: (bus) => gpuIndexOfBus(this.identities, bus),
      descendsFrom: (pid, roots) => this.proc.descendsFrom(pid, roots),
      selfPid: process.pid,
    };
  }

  private attributeApps(apps: ComputeApp[], active: TrialWindow[]): void {
    const r = attributeComputeApps(
      apps,
      active.map((st) => ({ key: st.key, pid: st.cpu.pid, pids: st.cpu.pids, gpus: st.gpus })),
      this.lookups(),
    );
    for (const st of active) {
      if (r.foreign.has(st.key)) st.flags.add('foreign_processes');
      const mb = r.memoryMb.get(st.key);
      if (mb !== undefined) st.peakProcMemMb = Math.max(st.peakProcMemMb ?? 0, mb);
    }
    for (const [g, weights] of r.weights) this.attributor.setWeights(g, weights);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// The engine's one handle on metering: start it once, then beginTrial / sample / endTrial per trial.
import { GpuAttributor } from './attribution.js';
import { CpuEnergy, DEFAULT_CPU_WATTS, newCpuTrial, type CpuTrial } from './cpu-energy.js';
import { normalizeBusId, type GpuIdentity } from './csv-parse.js';
import { GpuSampler, type SamplerEvent } from './gpu-sampler.js';
import { queryComputeApps, queryGpuIdentities } from './nvidia-smi.js';
import { ProcReader } from './proc.js';
import { SeriesBuffer } from './series.js';
import { buildMeasurement, type FinishedTrial } from './measurement.js';
import type { ComputeApp, CumulativeEnergy, GpuProvenance, GpuSample, GpuSeries, MeasurementFlag, MeterOptions, TrialMeasurement } from './types.js';

/**
 * Grid intensity default: 480 gCO2/kWh, the world average of electricity generation in 2023 (Ember, Global
 * Electricity Review 2024; IEA reports ~460-480 for 2022-2023). Users on a cleaner or dirtier grid set theirs.
 */
export const DEFAULT_GRID_G_PER_KWH = 480;
/** Price default: 0.30 per kWh, close to the 2023 EU household average (Eurostat, ~0.29 EUR/kWh). */
export const DEFAULT_PRICE_PER_KWH = 0.3;

// NVML clocks event reasons that mean the GPU is being held back: SW power cap, HW slowdown, SW thermal,
// HW thermal, HW power brake. (GpuIdle, application clocks, sync boost and display clocks are not throttling.)
const THROTTLE_BITS = 0x4 | 0x8 | 0x20 | 0x40 | 0x80;

export interface MeterSources {
  gpu: { source: 'nvidia-smi' | 'none'; reason: string; gpus: number[]; events: string[] };
  cpu: { source: 'rapl' | 'estimate' | 'none'; reason: string };
}

interface TrialState {
  key: string;
  gpus: number[];
  start: number;
  end: number | null;
  cpu: CpuTrial;
  flags: Set<MeasurementFlag>;
  notes: Set<string>;
  peakProcMemMb: number | null;
  peakDeviceMemMb: number | null;
  deviceMemShared: boolean;
}

export class Meter {
  private readonly trials = new Map<string, TrialState>();
  private readonly attributor = new GpuAttributor();
  private readonly series = new Map<number, SeriesBuffer>();
  private sampler: GpuSampler | null = null;
  private identities: GpuIdentity[] = [];
  private gpuReason = '';
  private readonly samplerNotes: string[] = [];
  private tickTimer: NodeJS.Timeout | null = null;
  private appsTimer: NodeJS.Timeout | null = null;
  private tickChain: Promise<void> = Promise.resolve();
  private tickPending = false;
  private appsRunning = false;
  private idleSamples: Map<number, number[]> | null = new Map();
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
      const got = [...(this.idleSamples?.values() ?? [])].filter((v) => v.length > 0).length;
      if (got >= expected) return;
      await sleep(Math.min(50, this.intervalMs / 2));
    }
  }

  private finishBaseline(): void {
    for (const [index, values] of this.idleSamples ?? []) {
      const sorted = [...values].sort((a, b) => a - b);
      // Median: nvidia-smi's first reading after NVML wakes a GPU is often high (measured on an H200: 127 W
      // falling to 80 W within a second), and the median ignores such a start.
      const mid = sorted[Math.floor(sorted.length / 2)];
      this.attributor.setBaseline(index, mid ?? null);
    }
    this.idleSamples = null;
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

  beginTrial(key: string, pid: number, gpuIndices: number[]): void {
    if (this.trials.has(key)) throw new Error(`meter: trial ${key} is already being measured`);
    const start = this.now();
    const st: TrialState = {
      key,
      gpus: [...new Set(gpuIndices)],
      start,
      end: null,
      cpu: newCpuTrial(pid),
      flags: new Set(),
      notes: new Set(),
      peakProcMemMb: null,
      peakDeviceMemMb: null,
      deviceMemShared: false,
    };
    this.trials.set(key, st);
    for (const g of st.gpus) this.attributor.addTrial(key, g, start);
    if (this.sampler?.state === 'stale' && st.gpus.length > 0) st.flags.add('stale_sampler');
    // Read the tree at once: a trial shorter than one interval would otherwise never be seen.
    this.scheduleTick();
  }

  /** Cumulative energy of a running (or ending) trial, up to the last GPU sample and process tick. */
  sample(key: string): CumulativeEnergy {
    const st = this.trials.get(key);
    if (!st) return { energy_j: null, gpu_energy_j: null, cpu_energy_j: null };
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
    const finished: FinishedTrial = {
      start: st.start,
      end,
      gpus: accounts,
      gpuMeasurable: this.gpuMeasurable(st),
      cpu: st.cpu,
      cpuSource: this.cpu.source,
      peakGpuMemMb: st.peakProcMemMb ?? (st.deviceMemShared ? null : st.peakDeviceMemMb),
      gpuMemSource: st.peakProcMemMb !== null ? 'per_process' : !st.deviceMemShared && st.peakDeviceMemMb !== null ? 'device' : 'none',
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

  private gpuMeasurable(st: TrialState): boolean {
    return this.sampler !== null && this.sampler.state !== 'unavailable' && st.gpus.length > 0;
  }

  private gpuProvenance(st: TrialState): GpuProvenance {
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

  private onGpuSample(s: GpuSample): void {
    let buf = this.series.get(s.index);
    if (!buf) {
      buf = new SeriesBuffer(this.intervalMs, this.opts.seriesMaxPoints);
      this.series.set(s.index, buf);
    }
    buf.add(s);
    if (this.idleSamples && s.power_w !== null) {
      const list = this.idleSamples.get(s.index) ?? [];
      list.push(s.power_w);
      this.idleSamples.set(s.index, list);
    }
    this.attributor.addSample(s.index, s.t, s.power_w);
    const on = [...this.trials.values()].filter((st) => st.end === null && st.gpus.includes(s.index));
    for (const st of on) {
      if (s.throttle_mask !== null && (s.throttle_mask & THROTTLE_BITS) !== 0) st.flags.add('throttled');
      if (on.length === 1 && s.mem_used_mb !== null) st.peakDeviceMemMb = Math.max(st.peakDeviceMemMb ?? 0, s.mem_used_mb);
      if (on.length > 1) st.deviceMemShared = true;
    }
  }

  private onSamplerEvent(e: SamplerEvent): void {
    if (e.type === 'garbage') return;
    const stamp = new Date(e.at).toISOString();
    if (e.type === 'stale' || e.type === 'restart' || e.type === 'unavailable') {
      const what = e.type === 'stale' ? `nvidia-smi silent for ${e.silent_ms} ms` : e.type === 'restart' ? `nvidia-smi restart #${e.attempt} (${e.reason})` : e.reason;
      this.samplerNotes.push(`${stamp} ${what}`);
      if (this.samplerNotes.length > 50) this.samplerNotes.shift();
      for (const st of this.trials.values()) {
        if (st.end === null && st.gpus.length > 0) {
          st.flags.add('stale_sampler');
          st.notes.add(`${stamp} ${what}`);
        }
      }
      if (e.type === 'unavailable') this.gpuReason = e.reason;
    } else if (e.type === 'vanished') {
      for (const st of this.trials.values()) {
        if (st.gpus.includes(e.index)) {
          st.flags.add('gpu_vanished');
          st.notes.add(`${stamp} GPU ${e.index} stopped reporting; its samples end here`);
        }
      }
    }
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

  /**
   * GPUs that processes other than this engine's trials are computing on right now (another user's job,
   * a notebook), with one such pid each; they would skew both the trial's speed and its energy.
   */
  async busyGpus(): Promise<Map<number, number>> {
    const busy = new Map<number, number>();
    if (!this.sampler || this.identities.length === 0) return busy;
    const apps = await queryComputeApps(this.nvidiaSmi, Math.max(2000, 4 * this.intervalMs));
    const ours = new Set([...this.trials.values()].filter((st) => st.end === null).map((st) => st.cpu.pid));
    for (const app of apps ?? []) {
      const index = this.indexOfBus(app.bus_id);
      if (index === null || app.pid === process.pid || ours.has(app.pid)) continue;
      if (this.proc.descendsFrom(app.pid, ours) !== null) continue;
      if (!busy.has(index)) busy.set(index, app.pid);
    }
    return busy;
  }

  private indexOfBus(bus: string | null): number | null {
    if (bus === null) return this.identities.length === 1 ? (this.identities[0]?.index ?? null) : null;
    const hit = this.identities.find((g) => g.bus_id !== null && normalizeBusId(g.bus_id) === bus);
    return hit ? hit.index : null;
  }

  private attributeApps(apps: ComputeApp[], active: TrialState[]): void {
    const roots = new Map(active.map((st) => [st.cpu.pid, st] as const));
    const rootSet = new Set(roots.keys());
    const perGpu = new Map<number, { mem: Map<string, number>; unknown: boolean; foreign: boolean }>();
    const perTrial = new Map<string, number>();
    for (const app of apps) {
      const index = this.indexOfBus(app.bus_id);
      if (index === null) continue;
      const slot = perGpu.get(index) ?? { mem: new Map<string, number>(), unknown: false, foreign: false };
      perGpu.set(index, slot);
      let owner = active.find((st) => st.cpu.pids.has(app.pid)) ?? null;
      if (!owner) {
        const root = this.proc.descendsFrom(app.pid, rootSet);
        owner = root === null ? null : (roots.get(root) ?? null);
      }
      if (!owner || !owner.gpus.includes(index)) {
        if (app.pid !== process.pid) slot.foreign = true;
        continue;
      }
      if (app.used_mb === null) slot.unknown = true;
      slot.mem.set(owner.key, (slot.mem.get(owner.key) ?? 0) + (app.used_mb ?? 0));
      perTrial.set(owner.key, (perTrial.get(owner.key) ?? 0) + (app.used_mb ?? 0));
    }
    for (const st of active) {
      for (const g of st.gpus) {
        const slot = perGpu.get(g);
        if (slot?.foreign) st.flags.add('foreign_processes');
      }
      const mb = perTrial.get(st.key);
      if (mb !== undefined && mb > 0) st.peakProcMemMb = Math.max(st.peakProcMemMb ?? 0, mb);
    }
    for (const g of new Set(active.flatMap((st) => st.gpus))) {
      const slot = perGpu.get(g);
      const weights = new Map<string, number>();
      if (slot && !slot.unknown) {
        // Every trial on this GPU needs a figure, else the split falls back to equal shares.
        for (const st of active) if (st.gpus.includes(g) && slot.mem.has(st.key)) weights.set(st.key, slot.mem.get(st.key) ?? 0);
      }
      this.attributor.setWeights(g, weights);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

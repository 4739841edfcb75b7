// Turns a finished trial's accounts into the stored metrics and provenance. Anything that could not be
// measured is left out, never written as 0: a 0 J trial would look like the best trial of the study.
import type { GpuTrialAccount } from './attribution.js';
import type { CpuTrial } from './cpu-energy.js';
import { SHORT_WINDOW_S } from '../../../shared/energy-resolution.js';
import type { CpuProvenance, GpuProvenance, MeasurementFlag, TrialMeasurement, TrialMetrics } from './types.js';

export interface FinishedTrial {
  start: number;
  end: number;
  gpus: { index: number; account: GpuTrialAccount | null }[];
  gpuMeasurable: boolean;
  cpu: CpuTrial;
  cpuSource: 'rapl' | 'estimate' | 'none';
  peakGpuMemMb: number | null;
  gpuMemSource: 'per_process' | 'device' | 'none';
  flags: Set<MeasurementFlag>;
  notes: string[];
}

export interface MeasurementContext {
  gpu: GpuProvenance;
  cpu: CpuProvenance;
  grid: number;
  price: number;
}

const J_PER_KWH = 3.6e6;

export function buildMeasurement(t: FinishedTrial, ctx: MeasurementContext): TrialMeasurement {
  const duration_s = Math.max(0, (t.end - t.start) / 1000);
  const metrics: TrialMetrics = { duration_s };
  const flags = new Set(t.flags);
  const notes = [...t.notes];
  if (duration_s < SHORT_WINDOW_S) flags.add('short_window');

  const byGpu: Record<string, number> = {};
  let gpuJ: number | null = null;
  let gpuAbove: number | null = null;
  if (t.gpuMeasurable) {
    const covered = t.gpus.filter((g) => g.account && g.account.covered_until > g.account.start);
    if (covered.length > 0) {
      gpuJ = covered.reduce((s, g) => s + (g.account?.energy_j ?? 0), 0);
      const allBaselines = t.gpus.every((g) => ctx.gpu.baseline_w[String(g.index)] !== undefined);
      gpuAbove = allBaselines ? covered.reduce((s, g) => s + (g.account?.above_idle_j ?? 0), 0) : null;
      for (const g of covered) {
        const a = g.account as GpuTrialAccount;
        byGpu[String(g.index)] = a.energy_j;
        const missing = t.end - a.covered_until;
        if (missing > 0) notes.push(`GPU ${g.index}: last ${Math.round(missing)} ms of the window had no sample`);
      }
    } else {
      notes.push('no GPU sample fell inside the trial window');
    }
  }
  const cpuJ = t.cpuSource !== 'none' && t.cpu.seen ? t.cpu.energy_j : null;
  const cpuAbove = cpuJ === null ? null : t.cpu.above_idle_j;
  if (t.cpuSource !== 'none' && !t.cpu.seen) notes.push('the trial process exited before its CPU time could be read');

  if (gpuJ !== null) {
    metrics.gpu_energy_j = gpuJ;
    if (duration_s > 0) metrics.mean_gpu_power_w = gpuJ / duration_s;
  }
  if (cpuJ !== null) metrics.cpu_energy_j = cpuJ;
  if (gpuJ !== null || cpuJ !== null) {
    const total = (gpuJ ?? 0) + (cpuJ ?? 0);
    metrics.energy_j = total;
    if ((gpuJ === null || gpuAbove !== null) && (cpuJ === null || cpuAbove !== null)) {
      // Power can dip below the idle baseline (clock gating after warm-up); a negative figure would mislead.
      metrics.energy_above_idle_j = Math.max(0, (gpuAbove ?? 0) + (cpuAbove ?? 0));
    }
    metrics.co2_g = (total / J_PER_KWH) * ctx.grid;
    metrics.cost = (total / J_PER_KWH) * ctx.price;
  }
  if (t.peakGpuMemMb !== null) metrics.peak_gpu_mem_mb = t.peakGpuMemMb;
  if (t.cpu.peak_rss_kb !== null) metrics.peak_rss_mb = t.cpu.peak_rss_kb / 1024;

  return {
    metrics,
    provenance: {
      gpu: { ...ctx.gpu, memory_source: t.gpuMemSource, energy_by_gpu_j: byGpu },
      cpu: ctx.cpu,
      grid_intensity_g_per_kwh: ctx.grid,
      price_per_kwh: ctx.price,
      flags: [...flags].sort(),
      notes,
    },
    window: { start_ms: t.start, end_ms: t.end },
  };
}

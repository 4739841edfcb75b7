// How a trial's measured metrics were obtained (architecture: "Each measurement keeps its provenance").
// The meter writes it, the store keeps it with the finished trial, and the API, reports and dashboard
// read it back through these types; nothing downstream parses it again.

export const MEASUREMENT_FLAGS = ['short_window', 'foreign_processes', 'throttled', 'stale_sampler', 'gpu_vanished'] as const;
export type MeasurementFlag = (typeof MEASUREMENT_FLAGS)[number];

export interface GpuProvenance {
  source: 'nvidia-smi' | 'none';
  reason: string;
  /** Sampling interval; null only in a stored row that did not record it. */
  interval_ms: number | null;
  /** Idle power per GPU index measured at engine start. */
  baseline_w: Record<string, number>;
  method: string;
  /** Where peak_gpu_mem_mb came from: the trial's own processes, or the whole device (trial alone on it). */
  memory_source: 'per_process' | 'device' | 'none';
  /** The trial's attributed energy on each of its GPUs (J), by GPU index. */
  energy_by_gpu_j: Record<string, number>;
  estimate: boolean;
}

export interface CpuProvenance {
  source: 'rapl' | 'estimate' | 'none';
  reason: string;
  method: string;
  /** Package idle power (RAPL) measured at engine start, when known. */
  baseline_w: number | null;
  estimate: boolean;
}

/** What the meter says about one trial's measurement. */
export interface MeasurementProvenance {
  gpu: GpuProvenance;
  cpu: CpuProvenance;
  grid_intensity_g_per_kwh: number;
  price_per_kwh: number;
  flags: MeasurementFlag[];
  notes: string[];
}

/** The wall-clock window (ms since the epoch) the trial's energy was integrated over. */
export interface MeasuredWindow {
  start_ms: number;
  end_ms: number;
}

/**
 * What a finished trial keeps. A part that a stored row lacks or holds in a shape this version does not
 * know (a row written by an older version, or edited by hand) reads as null or empty, never as a guess.
 */
export interface TrialProvenance {
  gpu: GpuProvenance | null;
  cpu: CpuProvenance | null;
  grid_intensity_g_per_kwh: number | null;
  price_per_kwh: number | null;
  flags: MeasurementFlag[];
  notes: string[];
  window: MeasuredWindow | null;
}

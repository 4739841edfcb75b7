// Public shapes of the metering subsystem. Metric names match the user-facing contract in ARCHITECTURE.md.
import type { MeasuredWindow, MeasurementProvenance } from '../../../shared/provenance.js';

// Provenance is read by the API, reports and dashboard too, so its types live in src/shared.
export type { CpuProvenance, GpuProvenance, MeasuredWindow, MeasurementFlag, MeasurementProvenance } from '../../../shared/provenance.js';

/** One row of `nvidia-smi --query-gpu=...`; every field the driver could not give is null. */
export interface GpuSample {
  index: number;
  /**
   * Engine clock (ms) of the reading: when nvidia-smi took it (its `timestamp`, moved onto the engine clock),
   * or when the line arrived where the driver gives no timestamp.
   */
  t: number;
  /** Wall-clock epoch ms from nvidia-smi's `timestamp` field; null when absent or unreadable. */
  smi_at_ms: number | null;
  power_w: number | null;
  mem_used_mb: number | null;
  util_pct: number | null;
  temp_c: number | null;
  sm_clock_mhz: number | null;
  power_limit_w: number | null;
  /** NVML clocks event ("throttle") reasons bitmask. */
  throttle_mask: number | null;
}

/** One row of `nvidia-smi --query-compute-apps=gpu_bus_id,pid,used_memory`. */
export interface ComputeApp {
  bus_id: string | null;
  pid: number;
  used_mb: number | null;
}

export interface GpuInfo {
  index: number | null;
  name: string;
  vendor: string;
  memory_mb: number | null;
  driver: string | null;
  power_limit_w: number | null;
  bus_id: string | null;
  /** True where Nightshift can read this GPU's power draw (NVIDIA through nvidia-smi). */
  power_measurable: boolean;
}

export interface Capability {
  available: boolean;
  reason: string;
}

export interface Inventory {
  gpus: GpuInfo[];
  cpu: { model: string; cores: number; physical_cores: number | null };
  memory_mb: number | null;
  capabilities: {
    gpuPower: Capability;
    rapl: Capability & { zones: string[] };
    cpuEstimate: Capability & { watts: number };
  };
}

/** Cumulative energy of a running trial, for intermediate reports (energy-to-step). */
export interface CumulativeEnergy {
  energy_j: number | null;
  gpu_energy_j: number | null;
  cpu_energy_j: number | null;
}

/** Measured metrics; a key is absent when it could not be measured (never a fake 0). */
export interface TrialMetrics {
  energy_j?: number;
  energy_above_idle_j?: number;
  gpu_energy_j?: number;
  cpu_energy_j?: number;
  duration_s: number;
  mean_gpu_power_w?: number;
  peak_gpu_mem_mb?: number;
  peak_rss_mb?: number;
  co2_g?: number;
  cost?: number;
}

export interface TrialMeasurement {
  metrics: TrialMetrics;
  provenance: MeasurementProvenance;
  window: MeasuredWindow;
}

export interface GpuSeriesPoint {
  t_ms: number;
  power_w: number | null;
  mem_used_mb: number | null;
  util_pct: number | null;
  temp_c: number | null;
}

export interface GpuSeries {
  index: number;
  baseline_w: number | null;
  /** Integral of this device's power since the meter started (J). */
  energy_j: number;
  /** Width of one point (ms); doubles whenever the series outgrows its point budget. */
  bucket_ms: number;
  points: GpuSeriesPoint[];
  vanished: boolean;
}

export interface MeterOptions {
  /** GPU / process sampling interval (default 500 ms). */
  intervalMs?: number;
  /** nvidia-smi command (default 'nvidia-smi', resolved on PATH). */
  nvidiaSmi?: string;
  /** powercap root (default /sys/class/powercap). */
  raplRoot?: string;
  /** Package power used by the CPU-time estimate when RAPL is unavailable (default 65 W). */
  cpuWatts?: number;
  /** Idle window measured at start for the per-GPU baseline (default 2 s; 0 = first sample only). */
  idleSeconds?: number;
  now?: () => number;
  /** Grid carbon intensity (default 480 g/kWh). */
  gridIntensityGPerKWh?: number;
  /** Electricity price per kWh, in the user's currency (default 0.30). */
  pricePerKWh?: number;
  /** Per-process GPU memory poll interval (default 2000 ms). */
  computeAppsIntervalMs?: number;
  /** Points kept per GPU series before it is halved (default 2000). */
  seriesMaxPoints?: number;
  /** /proc root (default /proc). */
  procRoot?: string;
}

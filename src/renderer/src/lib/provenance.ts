// A trial's provenance (typed in src/shared/provenance.ts, decoded by the engine where it is read) as the
// rows the trial page shows. A part an older database did not record is null there and is left out here.
import { belowResolution, type TrialFigures } from '../../../shared/energy-resolution.js';
import type { MeasuredWindow, TrialProvenance } from '../../../shared/provenance.js';
import { num } from './format.js';

export interface ProvenanceView {
  rows: { label: string; value: string }[];
  flags: string[];
  notes: string[];
  estimate: boolean;
  window: MeasuredWindow | null;
}

const perGpu = (byGpu: Readonly<Record<string, number>>, digits: number, unit: string): string | null =>
  Object.entries(byGpu)
    .map(([k, v]) => `GPU ${k}: ${num(v, digits)} ${unit}`)
    .join(', ') || null;
const joined = (...parts: string[]): string | null => parts.filter(Boolean).join(' — ') || null;

export function provenanceView(p: TrialProvenance | null): ProvenanceView | null {
  if (!p) return null;
  const { gpu, cpu, window } = p;
  const rows: { label: string; value: string }[] = [];
  const add = (label: string, value: string | null) => {
    if (value !== null) rows.push({ label, value });
  };
  if (gpu) {
    add('GPU source', joined(gpu.source, gpu.reason));
    add('GPU sampling interval', gpu.interval_ms === null ? null : `${gpu.interval_ms} ms`);
    add('GPU idle baseline', perGpu(gpu.baseline_w, 4, 'W'));
    add('GPU attribution', gpu.method || null);
    add('GPU memory from', gpu.memory_source);
    add('GPU energy by device', perGpu(gpu.energy_by_gpu_j, 5, 'J'));
  }
  if (cpu) {
    add('CPU source', joined(cpu.source, cpu.reason));
    add('CPU idle baseline', cpu.baseline_w === null ? null : `${num(cpu.baseline_w, 4)} W`);
    add('CPU attribution', cpu.method || null);
  }
  add('Grid intensity', p.grid_intensity_g_per_kwh === null ? null : `${p.grid_intensity_g_per_kwh} g CO₂/kWh`);
  add('Price', p.price_per_kwh === null ? null : `${p.price_per_kwh} per kWh`);
  if (window) add('Measured window', `${new Date(window.start_ms).toLocaleTimeString()} – ${new Date(window.end_ms).toLocaleTimeString()} (${((window.end_ms - window.start_ms) / 1000).toFixed(1)} s)`);
  return { rows, flags: p.flags, notes: p.notes, estimate: gpu?.estimate === true || cpu?.estimate === true, window };
}

/** The metrics Nightshift measures (architecture: "Metrics Nightshift measures"), in display order. */
export const MEASURED_METRICS = ['energy_j', 'energy_above_idle_j', 'gpu_energy_j', 'cpu_energy_j', 'duration_s', 'mean_gpu_power_w', 'peak_gpu_mem_mb', 'peak_rss_mb', 'co2_g', 'cost', 'startup_s', 'startup_energy_j', 'paused_s'] as const;

export { ENERGY_METRICS } from '../../../shared/energy-resolution.js';

/**
 * A measured figure in a table cell: an energy (or its CO2, cost, start-up energy) below the meter's
 * resolution (src/shared/energy-resolution.ts) shows "below resolution", never a bare number that reads as a
 * real 0 J or a real saving; any other figure is the number.
 */
export function energyCell(metric: string, value: number, trial: TrialFigures = {}): string {
  return belowResolution(metric, value, trial) ? 'below resolution' : num(value);
}

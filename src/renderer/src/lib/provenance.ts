// Reads a trial's stored provenance (an untyped JSON object written by the engine's meter) into the rows the
// trial page shows. Defensive on purpose: databases written by older versions lack fields.
import { num } from './format.js';

export interface ProvenanceView {
  rows: { label: string; value: string }[];
  flags: string[];
  notes: string[];
  estimate: boolean;
  window: { start_ms: number; end_ms: number } | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function watts(v: unknown): string | null {
  if (typeof v === 'number') return `${num(v, 4)} W`;
  const o = obj(v);
  if (!o) return null;
  const parts = Object.entries(o).flatMap(([k, w]) => (typeof w === 'number' ? [`GPU ${k}: ${num(w, 4)} W`] : []));
  return parts.length ? parts.join(', ') : null;
}

export function provenanceView(p: Record<string, unknown> | null): ProvenanceView | null {
  if (!p) return null;
  const gpu = obj(p.gpu);
  const cpu = obj(p.cpu);
  const rows: { label: string; value: string }[] = [];
  const add = (label: string, value: string | null) => {
    if (value !== null) rows.push({ label, value });
  };
  if (gpu) {
    add('GPU source', [str(gpu.source), str(gpu.reason)].filter(Boolean).join(' — ') || null);
    add('GPU sampling interval', typeof gpu.interval_ms === 'number' ? `${gpu.interval_ms} ms` : null);
    add('GPU idle baseline', watts(gpu.baseline_w));
    add('GPU attribution', str(gpu.method));
    add('GPU memory from', str(gpu.memory_source));
    const by = obj(gpu.energy_by_gpu_j);
    if (by) add('GPU energy by device', Object.entries(by).map(([k, j]) => `GPU ${k}: ${typeof j === 'number' ? num(j, 5) : '–'} J`).join(', ') || null);
  }
  if (cpu) {
    add('CPU source', [str(cpu.source), str(cpu.reason)].filter(Boolean).join(' — ') || null);
    add('CPU idle baseline', watts(cpu.baseline_w));
    add('CPU attribution', str(cpu.method));
  }
  add('Grid intensity', typeof p.grid_intensity_g_per_kwh === 'number' ? `${p.grid_intensity_g_per_kwh} g CO₂/kWh` : null);
  add('Price', typeof p.price_per_kwh === 'number' ? `${p.price_per_kwh} per kWh` : null);
  const w = obj(p.window);
  const window = w && typeof w.start_ms === 'number' && typeof w.end_ms === 'number' ? { start_ms: w.start_ms, end_ms: w.end_ms } : null;
  if (window) add('Measured window', `${new Date(window.start_ms).toLocaleTimeString()} – ${new Date(window.end_ms).toLocaleTimeString()} (${((window.end_ms - window.start_ms) / 1000).toFixed(1)} s)`);
  return { rows, flags: strings(p.flags), notes: strings(p.notes), estimate: gpu?.estimate === true || cpu?.estimate === true, window };
}

/** The metrics Nightshift measures (architecture: "Metrics Nightshift measures"), in display order. */
export const MEASURED_METRICS = ['energy_j', 'energy_above_idle_j', 'gpu_energy_j', 'cpu_energy_j', 'duration_s', 'mean_gpu_power_w', 'peak_gpu_mem_mb', 'peak_rss_mb', 'co2_g', 'cost'] as const;

/** Metrics that come from the meter's energy integral (a short window makes them all unreliable). */
export const ENERGY_METRICS: readonly string[] = ['energy_j', 'energy_above_idle_j', 'gpu_energy_j', 'cpu_energy_j', 'co2_g', 'cost'];

/**
 * An energy figure in a table cell: a trial shorter than the meter's sampling (flag short_window) shows
 * "below resolution", never a bare number that reads as a real 0 J or a real saving.
 */
export function energyCell(v: number, provenance: Record<string, unknown> | null): string {
  return strings(provenance?.flags).includes('short_window') ? 'below resolution' : num(v);
}

// The two JSON columns (studies.spec, trial_provenance.provenance) decoded into their shared types, once,
// where rows are read. Rows written by older versions lack fields added since (schema v1 specs have no
// warm_start or resources.allow_busy_gpus); they read with the value the study file parser gives an absent
// key. Provenance parts this version cannot read become null rather than a guess.
import {
  MEASUREMENT_FLAGS,
  type CpuProvenance,
  type GpuProvenance,
  type MeasuredWindow,
  type MeasurementFlag,
  type TrialProvenance,
} from '../../../../shared/provenance.js';
import type { StudySpec } from '../../../../shared/spec.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
function numbers(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(obj(v) ?? {})) if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
  return out;
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | null {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

function gpuOf(v: unknown): GpuProvenance | null {
  const g = obj(v);
  const source = g && oneOf(g.source, ['nvidia-smi', 'none'] as const);
  if (!g || !source) return null;
  return {
    source,
    reason: str(g.reason),
    interval_ms: num(g.interval_ms),
    baseline_w: numbers(g.baseline_w),
    method: str(g.method),
    memory_source: oneOf(g.memory_source, ['per_process', 'device', 'none'] as const) ?? 'none',
    energy_by_gpu_j: numbers(g.energy_by_gpu_j),
    estimate: g.estimate === true,
  };
}

function cpuOf(v: unknown): CpuProvenance | null {
  const c = obj(v);
  const source = c && oneOf(c.source, ['rapl', 'estimate', 'none'] as const);
  if (!c || !source) return null;
  return { source, reason: str(c.reason), method: str(c.method), baseline_w: num(c.baseline_w), estimate: c.estimate === true };
}

function windowOf(v: unknown): MeasuredWindow | null {
  const w = obj(v);
  const start = num(w?.start_ms);
  const end = num(w?.end_ms);
  return start !== null && end !== null ? { start_ms: start, end_ms: end } : null;
}

/** A stored provenance row (JSON text), in whatever shape an older version or a hand edit left it. */
export function decodeProvenance(json: string): TrialProvenance {
  let p: Json | null = null;
  try {
    p = obj(JSON.parse(json));
  } catch {
    // The column is CHECKed json_valid; a row that still fails to parse reads as empty.
  }
  return {
    gpu: gpuOf(p?.gpu),
    cpu: cpuOf(p?.cpu),
    grid_intensity_g_per_kwh: num(p?.grid_intensity_g_per_kwh),
    price_per_kwh: num(p?.price_per_kwh),
    flags: strings(p?.flags).filter((f): f is MeasurementFlag => (MEASUREMENT_FLAGS as readonly string[]).includes(f)),
    notes: strings(p?.notes),
    window: windowOf(p?.window),
  };
}

/**
 * A stored study spec. It was validated by parseStudySpec when the study was created, so only the fields
 * added after schema v1 need a default; those defaults are the parser's for an absent key.
 */
export function decodeStudySpec(json: string): StudySpec {
  const stored = JSON.parse(json) as StudySpec;
  return {
    ...stored,
    resources: { ...stored.resources, allow_busy_gpus: stored.resources.allow_busy_gpus ?? false },
    warm_start: stored.warm_start ?? null,
  };
}

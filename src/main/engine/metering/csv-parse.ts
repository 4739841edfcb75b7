// Parsers for nvidia-smi's `--format=csv,noheader,nounits` output. They never throw: drivers print
// `N/A`, `[N/A]`, `[Not Supported]`, `[Unknown Error]`, `[GPU is lost]` or stray warnings in place of values, and
// one bad field must cost that field, not the sample or the engine.
import type { ComputeApp, GpuSample } from './types.js';

/** The fields the streaming sampler asks for, in this order. */
export const GPU_STREAM_FIELDS = [
  'index',
  'power.draw',
  'memory.used',
  'utilization.gpu',
  'temperature.gpu',
  'clocks.sm',
  'power.limit',
  'clocks_throttle_reasons.active',
  // When nvidia-smi took the reading: lines can sit in the pipe while the engine's event loop is busy, and
  // stamping them on receipt would squeeze a whole stretch of power into one instant.
  'timestamp',
] as const;

/** A number, or null for anything that is not one (bracketed placeholders, N/A, empty, garbage). */
export function parseNumberField(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const s = raw.trim();
  if (s === '' || s.startsWith('[') || /^n\/?a$/i.test(s)) return null;
  // nounits normally strips units; tolerate them anyway ("123.45 W", "1024 MiB").
  const m = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*[a-z%]*$/i.exec(s);
  if (!m || m[1] === undefined) return null;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : null;
}

/** Hex bitmask such as `0x0000000000000004` (NVML clocks event reasons). */
export function parseHexField(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const s = raw.trim();
  if (!/^0x[0-9a-f]{1,16}$/i.test(s)) return null;
  // The defined reasons all live in the low 32 bits; Number keeps them exactly.
  const n = Number.parseInt(s.slice(-8), 16);
  return Number.isFinite(n) ? n : null;
}

function splitCsv(line: string): string[] {
  return line.split(',').map((f) => f.trim());
}

/**
 * Parses one streamed line in GPU_STREAM_FIELDS order. Returns null only when the line cannot be tied to a GPU
 * (no valid integer index, or too few columns to be a data row); otherwise each unreadable field is null.
 */
export function parseGpuLine(line: string, t: number, fields: readonly string[] = GPU_STREAM_FIELDS): GpuSample | null {
  const cols = splitCsv(line);
  const at = (name: string): string | undefined => {
    const i = fields.indexOf(name);
    return i < 0 ? undefined : cols[i];
  };
  const idxRaw = at('index');
  if (idxRaw === undefined || !/^\d{1,3}$/.test(idxRaw)) return null;
  // A data row has one column per field; a line with fewer than two is a message, not a row.
  if (cols.length < 2) return null;
  return {
    index: Number(idxRaw),
    t,
    power_w: nonNegative(parseNumberField(at('power.draw'))),
    mem_used_mb: nonNegative(parseNumberField(at('memory.used'))),
    util_pct: nonNegative(parseNumberField(at('utilization.gpu'))),
    temp_c: parseNumberField(at('temperature.gpu')),
    sm_clock_mhz: nonNegative(parseNumberField(at('clocks.sm'))),
    power_limit_w: nonNegative(parseNumberField(at('power.limit'))),
    throttle_mask: parseHexField(at('clocks_throttle_reasons.active') ?? at('clocks_event_reasons.active')),
    smi_at_ms: parseSmiTimestamp(at('timestamp')),
  };
}

/**
 * nvidia-smi's `timestamp` field, `2024/05/01 12:34:56.789` in the machine's local time (the engine's own
 * time zone: the child inherits its environment), as epoch milliseconds; null for anything else.
 */
export function parseSmiTimestamp(raw: string | undefined): number | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(raw?.trim() ?? '');
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  const t = new Date(y, mo - 1, d, h, mi, sec, ms).getTime();
  return Number.isFinite(t) ? t : null;
}

function nonNegative(n: number | null): number | null {
  return n !== null && n >= 0 ? n : null;
}

/** Parses `--query-compute-apps=gpu_bus_id,pid,used_memory` output; lines that are not rows are skipped. */
export function parseComputeApps(text: string): ComputeApp[] {
  const apps: ComputeApp[] = [];
  for (const line of text.split('\n')) {
    const cols = splitCsv(line);
    if (cols.length < 3) continue; // "No running processes found", blank lines, warnings
    const pidRaw = cols[1] ?? '';
    if (!/^\d+$/.test(pidRaw)) continue;
    const bus = cols[0] ?? '';
    apps.push({
      bus_id: /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$/i.test(bus) ? normalizeBusId(bus) : null,
      pid: Number(pidRaw),
      used_mb: nonNegative(parseNumberField(cols[2])),
    });
  }
  return apps;
}

export interface GpuIdentity {
  index: number;
  bus_id: string | null;
  name: string;
  memory_mb: number | null;
  driver: string | null;
  power_limit_w: number | null;
  power_w: number | null;
}

export const GPU_IDENTITY_FIELDS = ['index', 'pci.bus_id', 'name', 'memory.total', 'driver_version', 'power.limit', 'power.draw'] as const;

/** Parses `--query-gpu=index,pci.bus_id,name,memory.total,driver_version,power.limit,power.draw`. */
export function parseGpuIdentities(text: string): GpuIdentity[] {
  const out: GpuIdentity[] = [];
  for (const line of text.split('\n')) {
    const cols = splitCsv(line);
    if (cols.length < GPU_IDENTITY_FIELDS.length) continue;
    const [idx, bus, name, mem, driver, limit, power] = cols;
    if (idx === undefined || !/^\d{1,3}$/.test(idx)) continue;
    out.push({
      index: Number(idx),
      bus_id: bus && /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$/i.test(bus) ? normalizeBusId(bus) : null,
      name: name && !name.startsWith('[') ? name : 'NVIDIA GPU',
      memory_mb: nonNegative(parseNumberField(mem)),
      driver: driver && !driver.startsWith('[') && driver !== 'N/A' ? driver : null,
      power_limit_w: nonNegative(parseNumberField(limit)),
      power_w: nonNegative(parseNumberField(power)),
    });
  }
  return out;
}

/** nvidia-smi prints 8-digit PCI domains in one query and 4-digit ones elsewhere; compare on bus:dev.fn. */
export function normalizeBusId(bus: string): string {
  const parts = bus.toLowerCase().split(':');
  return parts.slice(-2).join(':');
}

// Plain-text tables and numbers for terminal output.
import { belowResolution } from '../../shared/energy-resolution.js';
import type { TrialJson } from '../../shared/types.js';

export function table(header: string[], rows: unknown[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(3) : String(+x.toPrecision(6));
}

export function describeTrial(t: TrialJson): string {
  // An energy below the meter's resolution (a window flagged short_window, or a stored 0 J) is said so, never
  // printed as a bare 0 or a rough figure that reads as the cheapest trial; --json keeps the number and the flag.
  const flags = t.provenance?.flags ?? null;
  const figure = (k: string, v: number) => (belowResolution(k, v, { values: t.values, metrics: t.metrics, flags }) ? `below resolution${flags?.includes('short_window') ? ' (short_window)' : ''}` : num(v));
  const values = Object.entries(t.values).map(([k, v]) => `${k}=${figure(k, v)}`).join(' ');
  const params = Object.entries(t.params).map(([k, v]) => `${k}=${typeof v === 'number' ? num(v) : v}`).join(' ');
  return `#${t.number} ${values}  (${params})`;
}

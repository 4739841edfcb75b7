// Plain-text tables and numbers for terminal output.
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
  const values = Object.entries(t.values).map(([k, v]) => `${k}=${num(v)}`).join(' ');
  const params = Object.entries(t.params).map(([k, v]) => `${k}=${typeof v === 'number' ? num(v) : v}`).join(' ');
  return `#${t.number} ${values}  (${params})`;
}

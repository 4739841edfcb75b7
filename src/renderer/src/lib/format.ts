// Number and time formatting for tables, tooltips and axes.
export function num(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '–';
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return String(+v.toPrecision(digits));
}

export function energy(j: number): string {
  if (j >= 3.6e5) return `${(j / 3.6e6).toFixed(3)} kWh`;
  if (j >= 1000) return `${(j / 1000).toFixed(1)} kJ`;
  // Under 10 J with its digits: a 0.3 J trial must not read as 0 J.
  if (Math.abs(j) < 10) return `${num(j, 2)} J`;
  return `${j.toFixed(0)} J`;
}

export function duration(s: number): string {
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 60) return `${(s / 60).toFixed(1)} min`;
  return `${s.toFixed(1)} s`;
}

export function when(iso: string | null): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function paramText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? num(v) : String(v)}`)
    .join(', ');
}

/** argv as a copyable shell line (quoted where needed); the engine itself never uses a shell. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** A clock time, with the date when it is not today. */
export function clock(ms: number): string {
  const d = new Date(ms);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}


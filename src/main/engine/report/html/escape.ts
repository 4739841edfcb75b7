// Escaping for HTML text and attributes: study names, parameter values and trial reasons are user text.
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number as shown in report tables: 6 significant digits, like `nightshift show`. */
export function num(x: number | undefined | null): string {
  if (x === undefined || x === null) return '';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(3) : String(+x.toPrecision(6));
}

export function table(header: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  const head = `<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody>`;
  return `<table${cls ? ` class="${cls}"` : ''}>${head}${body}</table>`;
}

// The report's inline stylesheet: readable on screen, in dark or light browsers, and on paper.
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5d6677; --line: #d9dee7; --accent: #2f6fdb; --good: #1f8a4c; --bad: #b3412f; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: #fff; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta, p.note, p.empty { color: var(--muted); margin: 4px 0; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
table.wide { width: 100%; font-size: 12px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; font-variant-numeric: tabular-nums; }
.good { color: var(--good); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 6px 0 12px; font-size: 11px; }
svg .grid { stroke: #eef1f5; stroke-width: 1; }
svg .axis { stroke: #8a93a3; stroke-width: 1; }
svg .tick { fill: var(--muted); }
svg .label { fill: var(--fg); font-size: 12px; }
svg .trial { fill: #9aa6b8; fill-opacity: 0.7; }
svg .front { fill: var(--accent); stroke: #fff; stroke-width: 1; }
svg .baseline { fill: #e08a1e; stroke: #fff; stroke-width: 1; }
svg .stairs { fill: none; stroke: var(--accent); stroke-width: 1.5; }
svg .best-line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .curve { fill: none; stroke: #9aa6b8; stroke-opacity: 0.6; stroke-width: 1; }
svg .curve-best { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .bar { fill: var(--accent); }
svg .s0 { fill: none; stroke: #2f6fdb; stroke-width: 2; } svg .p0, svg rect.s0 { fill: #2f6fdb; stroke: none; }
svg .s1 { fill: none; stroke: #d9622b; stroke-width: 2; } svg .p1, svg rect.s1 { fill: #d9622b; stroke: none; }
svg .s2 { fill: none; stroke: #1f8a4c; stroke-width: 2; } svg .p2, svg rect.s2 { fill: #1f8a4c; stroke: none; }
svg .s3 { fill: none; stroke: #8e44ad; stroke-width: 2; } svg .p3, svg rect.s3 { fill: #8e44ad; stroke: none; }
svg .s4 { fill: none; stroke: #b8860b; stroke-width: 2; } svg .p4, svg rect.s4 { fill: #b8860b; stroke: none; }
svg .s5 { fill: none; stroke: #c0392b; stroke-width: 2; } svg .p5, svg rect.s5 { fill: #c0392b; stroke: none; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  svg.chart, table, dl.kv { break-inside: avoid; page-break-inside: avoid; }
  table.wide { font-size: 9px; }
  a { color: inherit; text-decoration: none; }
}
`;

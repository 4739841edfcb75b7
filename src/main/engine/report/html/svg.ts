// Charts as SVG strings for the self-contained HTML report (no script: the report must read the same
// with JavaScript disabled and in print). Geometry comes from src/shared/charts, as in the app.
import { dataScale, formatNumber, linePath, type Point } from '../../../../shared/charts/index.js';
import { esc } from './escape.js';

export interface Axis {
  label: string;
  log?: boolean;
}

export type Layer =
  | { kind: 'points'; points: readonly Point[]; cls: string; r?: number; titles?: readonly string[] }
  | { kind: 'line'; points: readonly Point[]; cls: string; title?: string };

export interface ChartSpec {
  title: string;
  x: Axis;
  y: Axis;
  layers: readonly Layer[];
  width?: number;
  height?: number;
  /** Legend entries: class and label. */
  legend?: readonly { cls: string; label: string }[];
}

const M = { top: 14, right: 16, bottom: 42, left: 64 };

/** A scatter/line chart with axes, grid, ticks, labels and an optional legend, as one <svg> element. */
export function chartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 320;
  const all = spec.layers.flatMap((l) => l.points);
  if (all.length === 0) return `<p class="empty">${esc(spec.title)}: nothing to plot yet.</p>`;
  const x = dataScale(all.map((p) => p.x), [M.left, width - M.right], spec.x.log === true);
  const y = dataScale(all.map((p) => p.y), [height - M.bottom, M.top], spec.y.log === true);
  const px = (p: Point): Point => ({ x: x(p.x), y: y(p.y) });
  const parts: string[] = [];
  for (const t of x.ticks(6)) {
    const at = x(t).toFixed(1);
    parts.push(`<line class="grid" x1="${at}" x2="${at}" y1="${M.top}" y2="${height - M.bottom}"/>`);
    parts.push(`<text class="tick" x="${at}" y="${height - M.bottom + 14}" text-anchor="middle">${esc(formatNumber(t))}</text>`);
  }
  for (const t of y.ticks(5)) {
    const at = y(t).toFixed(1);
    parts.push(`<line class="grid" x1="${M.left}" x2="${width - M.right}" y1="${at}" y2="${at}"/>`);
    parts.push(`<text class="tick" x="${M.left - 6}" y="${at}" dy="0.32em" text-anchor="end">${esc(formatNumber(t))}</text>`);
  }
  parts.push(`<line class="axis" x1="${M.left}" x2="${width - M.right}" y1="${height - M.bottom}" y2="${height - M.bottom}"/>`);
  parts.push(`<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${height - M.bottom}"/>`);
  parts.push(`<text class="label" x="${(M.left + width - M.right) / 2}" y="${height - 6}" text-anchor="middle">${esc(spec.x.label)}${spec.x.log ? ' (log)' : ''}</text>`);
  parts.push(
    `<text class="label" transform="translate(14 ${(M.top + height - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.y.label)}${spec.y.log ? ' (log)' : ''}</text>`,
  );
  for (const layer of spec.layers) {
    if (layer.kind === 'line') {
      const d = linePath(layer.points.map(px));
      if (d) parts.push(`<path class="${esc(layer.cls)}" d="${d}">${layer.title ? `<title>${esc(layer.title)}</title>` : ''}</path>`);
    } else {
      const r = layer.r ?? 3;
      layer.points.forEach((p, i) => {
        const q = px(p);
        if (!Number.isFinite(q.x) || !Number.isFinite(q.y)) return;
        const title = layer.titles?.[i];
        parts.push(`<circle class="${esc(layer.cls)}" cx="${q.x.toFixed(1)}" cy="${q.y.toFixed(1)}" r="${r}">${title ? `<title>${esc(title)}</title>` : ''}</circle>`);
      });
    }
  }
  (spec.legend ?? []).forEach((l, i) => {
    const ly = M.top + 8 + i * 16;
    parts.push(`<rect class="${esc(l.cls)} key" x="${width - M.right - 150}" y="${ly - 6}" width="10" height="10"/>`);
    parts.push(`<text class="tick" x="${width - M.right - 135}" y="${ly + 3}">${esc(l.label)}</text>`);
  });
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(spec.title)}"><title>${esc(spec.title)}</title>${parts.join('')}</svg>`;
}

/** Horizontal bars (parameter importance), values in [0, 1] shown as percentages. */
export function barsSvg(title: string, bars: readonly { label: string; value: number }[], width = 640): string {
  if (bars.length === 0) return `<p class="empty">${esc(title)}: nothing to show.</p>`;
  const row = 22;
  const left = 160;
  const height = bars.length * row + 10;
  const max = Math.max(...bars.map((b) => b.value), 1e-12);
  const parts = bars.map((b, i) => {
    const w = ((width - left - 70) * b.value) / max;
    const y = 5 + i * row;
    return (
      `<text class="tick" x="${left - 8}" y="${y + row / 2}" dy="0.32em" text-anchor="end">${esc(b.label)}</text>` +
      `<rect class="bar" x="${left}" y="${y + 3}" width="${Math.max(0, w).toFixed(1)}" height="${row - 6}"/>` +
      `<text class="tick" x="${(left + w + 6).toFixed(1)}" y="${y + row / 2}" dy="0.32em">${(b.value * 100).toFixed(1)}%</text>`
    );
  });
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${parts.join('')}</svg>`;
}

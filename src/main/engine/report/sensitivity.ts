// The sensitivity follow-up as one self-contained HTML page (inline SVG, no script, like the study report):
// one small plot per parameter (its value against the objective, the best configuration marked), the
// effect table and the suggestions to freeze or narrow.
import { suggestionText } from '../../../shared/analysis.js';
import { formatNumber, linearScale, type Point } from '../../../shared/charts/index.js';
import type { Objective } from '../../../shared/types.js';
import type { NarrowingSuggestion } from '../importance/index.js';
import type { EffectPoint, ParamEffect } from '../importance/sensitivity.js';
import type { SearchSpace } from '../study/space.js';
import { esc, num, table } from './html/escape.js';
import { page, type PageOptions } from './html/study.js';
import { chartSvg } from './html/svg.js';

export interface SensitivityReport {
  /** The study the follow-up started from, and the follow-up itself. */
  source: string;
  study: string;
  objectives: readonly Objective[];
  /** The objective the suggestions are for. */
  objective: Objective;
  effects: readonly ParamEffect[];
  suggestions: readonly NarrowingSuggestion[];
  space: SearchSpace;
}

const W = 300;
const H = 200;

export function sensitivityHtml(r: SensitivityReport, opts: PageOptions = {}): string {
  const metric = r.objective.metric;
  const rows = [...r.effects]
    .sort((a, b) => (b.effect[metric] ?? -1) - (a.effect[metric] ?? -1))
    .map((e) => [esc(e.param), ...r.objectives.map((o) => num(e.effect[o.metric] ?? null)), String(e.points.length)]);
  const effectTable = table(['parameter', ...r.objectives.map((o) => `effect on ${o.metric}`), 'points'], rows);
  const plots = r.effects.map((e) => `<figure class="sens" id="param-${esc(e.param)}">${plotSvg(e, r)}<figcaption>${esc(e.param)}: effect ${esc(num(e.effect[metric] ?? null))}</figcaption></figure>`);
  const body = `<h1>Sensitivity of ${esc(r.source)}</h1>
<p class="meta">Study ${esc(r.study)}: each parameter varied across its range, one at a time, from the best configuration of ${esc(r.source)} (the other parameters held at their best values). Effect: the range of the objective across a parameter's values.</p>
<h2>Effect per parameter</h2>${effectTable}
<h2>Plots (${esc(metric)}, ${esc(r.objective.direction)})</h2>
<div class="sens-grid">${plots.join('')}</div>
<h2>Suggestions for the next study</h2>${suggestionsHtml(r.suggestions)}`;
  return page(`Sensitivity: ${r.source}`, `<style>${CSS}</style>${body}`, opts);
}

const CSS = `.sens-grid { display: flex; flex-wrap: wrap; gap: 8px 16px; } figure.sens { margin: 0; width: ${W}px; } figure.sens figcaption { color: var(--muted); font-size: 12px; } @media print { figure.sens { break-inside: avoid; } }`;

function suggestionsHtml(s: readonly NarrowingSuggestion[]): string {
  if (s.length === 0) return '<p class="note">No suggestion: every parameter matters and its whole range is worth searching.</p>';
  return `<ul>${s.map((x) => `<li><strong>${esc(x.param)}</strong>: ${esc(suggestionText(x))} <span class="note">(${esc(x.reason)})</span></li>`).join('')}</ul>`;
}

// One line per suggestion, the same in the CLI, this page and the dashboard.
export { suggestionText };

function plotSvg(e: ParamEffect, r: SensitivityReport): string {
  const metric = r.objective.metric;
  const spec = r.space.params[e.param];
  const scored = e.points.filter((p) => p.state === 'complete' && Number.isFinite(p.values[metric]));
  const title = `${metric} against ${e.param}`;
  if (spec?.type !== 'categorical') {
    const pt = (p: EffectPoint): Point => ({ x: Number(p.value), y: p.values[metric]! });
    const best = scored.filter((p) => p.best);
    return chartSvg({
      title,
      x: { label: e.param, log: spec?.log ?? false },
      y: { label: metric },
      width: W,
      height: H,
      layers: [
        { kind: 'line', points: scored.map(pt), cls: 'curve-best' },
        { kind: 'points', points: scored.map(pt), cls: 'front', r: 3.5, titles: scored.map((p) => `#${p.number} ${e.param}=${String(p.value)}: ${num(p.values[metric])}`) },
        { kind: 'points', points: best.map(pt), cls: 'baseline', r: 5.5, titles: best.map(() => 'best configuration') },
      ],
    });
  }
  return categoricalSvg(title, e, scored, spec.choices.map(String), metric);
}

/** chartSvg has numeric x axes only: choices get evenly spaced columns labelled by name. */
function categoricalSvg(title: string, e: ParamEffect, scored: readonly EffectPoint[], choices: readonly string[], metric: string): string {
  if (scored.length === 0) return `<p class="empty">${esc(title)}: nothing to plot yet.</p>`;
  const m = { top: 14, right: 16, bottom: 42, left: 64 };
  const ys = scored.map((p) => p.values[metric]!);
  const pad = (Math.max(...ys) - Math.min(...ys)) * 0.08;
  const y = linearScale([Math.min(...ys) - pad, Math.max(...ys) + pad], [H - m.bottom, m.top]);
  const x = (c: string) => m.left + ((choices.indexOf(c) + 0.5) * (W - m.left - m.right)) / Math.max(1, choices.length);
  const parts: string[] = [];
  for (const t of y.ticks(4)) {
    const at = y(t).toFixed(1);
    parts.push(`<line class="grid" x1="${m.left}" x2="${W - m.right}" y1="${at}" y2="${at}"/><text class="tick" x="${m.left - 6}" y="${at}" dy="0.32em" text-anchor="end">${esc(formatNumber(t))}</text>`);
  }
  for (const c of choices) parts.push(`<text class="tick" x="${x(c).toFixed(1)}" y="${H - m.bottom + 14}" text-anchor="middle">${esc(c)}</text>`);
  parts.push(`<line class="axis" x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}"/><line class="axis" x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}"/>`);
  parts.push(`<text class="label" x="${(m.left + W - m.right) / 2}" y="${H - 6}" text-anchor="middle">${esc(e.param)}</text>`);
  parts.push(`<text class="label" transform="translate(14 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(metric)}</text>`);
  for (const p of scored) {
    const cls = p.best ? 'baseline' : 'front';
    parts.push(`<circle class="${cls}" cx="${x(String(p.value)).toFixed(1)}" cy="${y(p.values[metric]!).toFixed(1)}" r="${p.best ? 5.5 : 3.5}"><title>${esc(`#${p.number} ${e.param}=${String(p.value)}: ${num(p.values[metric])}${p.best ? ' (best configuration)' : ''}`)}</title></circle>`);
  }
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${parts.join('')}</svg>`;
}

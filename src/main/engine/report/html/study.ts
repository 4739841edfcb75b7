// One study as a self-contained HTML page: inline CSS and SVG, no script, no external resource, so it
// opens the same anywhere (mail attachment, file share, scripts disabled) and prints well. The markup is
// also well-formed XML (XHTML), which the tests check with a strict parser.
import { paretoStaircase, type Point } from '../../../../shared/charts/index.js';
import { ENERGY_METRIC, recorded } from '../../lineage/index.js';
import type { StudyCostJson } from '../../../../shared/types.js';
import type { TrialRecord } from '../../storage/types.js';
import { paramsText, type StudyReport } from '../model.js';
import { esc, num, table } from './escape.js';
import { finalistsSection } from './finalists.js';
import { REPORT_CSS } from './style.js';
import { barsSvg, chartSvg } from './svg.js';
import { trialRanges } from '../../../../shared/trial-ranges.js';
import { belowResolution } from '../../../../shared/energy-resolution.js';
import { bestTrials } from '../../study/pareto.js';
import { belowResolutionIn } from '../convergence.js';

export interface PageOptions {
  /** When the report was made (ISO); default now. */
  generatedAt?: string;
  version?: string;
}

export function page(title: string, body: string, opts: PageOptions = {}): string {
  const at = opts.generatedAt ?? new Date().toISOString();
  return `<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="generator" content="Nightshift${opts.version ? ` ${esc(opts.version)}` : ''}"/>
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body><main>
${body}
<footer>Made by Nightshift${opts.version ? ` ${esc(opts.version)}` : ''} on ${esc(at)}. Every number comes from the study's database.</footer>
</main></body>
</html>
`;
}

/** Energy in the unit that reads best: J, kJ or kWh. */
export function energyText(j: number | null | undefined): string {
  if (j === null || j === undefined || !Number.isFinite(j)) return '';
  if (Math.abs(j) >= 3.6e5) return `${num(j / 3.6e6)} kWh`;
  if (Math.abs(j) >= 1e3) return `${num(j / 1e3)} kJ`;
  return `${num(j)} J`;
}

export function durationText(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  if (s < 120) return `${num(s)} s`;
  if (s < 7200) return `${num(s / 60)} min`;
  return `${num(s / 3600)} h`;
}

const dl = (rows: readonly [string, string][]) => `<dl class="kv">${rows.filter(([, v]) => v !== '').map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;

function fixedCostText(c: StudyCostJson): string {
  if (c.startup_s === null) return '';
  const energy = c.startup_energy_j === null ? '' : `, ${energyText(c.startup_energy_j)}`;
  const share = c.startup_energy_share === null ? '' : ` (${num(100 * c.startup_energy_share)}% of the study's energy)`;
  return `${durationText(c.startup_s)}${energy}${share}`;
}

function budgetSection(r: StudyReport): string {
  const b = r.budget;
  const of = (used: string, limit: string) => (limit ? `${used} of ${limit}` : used);
  return `<h2>Budget used${r.finalists ? ' by the search' : ''}</h2>${dl([
    ['Trials', esc(of(String(b.trials), b.trialsLimit === null ? '' : String(b.trialsLimit)))],
    ['Wall time', esc(of(durationText(b.wallSeconds), durationText(b.wallLimitSeconds)))],
    ['Trial time (sum)', esc(durationText(b.trialSeconds))],
    [
      'Trial processes',
      esc(
        `${b.processes.processes}, ${num(b.processes.process_seconds)} process-seconds (wall time × processes)` +
          (b.processes.paused_s ? `, of which ${num(b.processes.paused_s)} s frozen at rungs (mode pause: memory held, no compute)` : ''),
      ),
    ],
    ['Fixed cost (launch to first report)', esc(fixedCostText(b.processes))],
    ['Energy', esc(of(energyText(b.energyJ), energyText(b.energyLimitJ)))],
    ['Energy of finalist runs', r.finalists ? esc(energyText(r.finalistsEnergyJ) || 'not measured') : ''],
    ['CO₂', b.co2G === null ? '' : esc(`${num(b.co2G)} g`)],
    ['Cost', b.cost === null ? '' : esc(num(b.cost))],
  ])}${b.energyJ === null ? '<p class="note">No energy was measured for this study.</p>' : ''}`;
}

/**
 * Trial `t`'s figure `metric` as text: an energy (CO2, cost) below the meter's resolution says so, as the
 * dashboard does (src/shared/energy-resolution.ts), never a bare 0 J that reads as a free trial.
 */
function figure(r: StudyReport, t: TrialRecord | undefined, metric: string, value: number | null | undefined, text: (v: number | null | undefined) => string = num): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return text(value);
  const flags = t && r.shortWindow.has(t.id) ? ['short_window'] : [];
  return belowResolution(metric, value, { values: t?.values, metrics: t?.metrics, flags }) ? 'below resolution' : text(value);
}

function baselineSection(r: StudyReport): string {
  if (!r.baseline) return `<h2>Baseline against best</h2><p class="note">This study has no completed baseline trial (add <code>baseline:</code> to the study file).</p>`;
  const rows = r.comparisons.map((c) => {
    const pct = c.improvementPct === null ? '' : `${c.improvementPct >= 0 ? '+' : ''}${num(c.improvementPct)}%`;
    const cls = c.improvementPct === null ? '' : c.improvementPct > 0 ? 'good' : c.improvementPct < 0 ? 'bad' : '';
    const runs = c.best.runs === null ? '' : ` <span class="note">validated, mean of ${c.best.runs} run${c.best.runs === 1 ? '' : 's'}</span>`;
    const baseline = r.trials.find((t) => t.number === c.baseline.number);
    // A validated best is a mean over finalist runs: the search trial's own flags do not apply to it.
    const best = c.best.runs === null ? r.trials.find((t) => t.number === c.best.number) : undefined;
    return [
      `${esc(c.objective.metric)} (${esc(c.objective.direction)})`,
      `${esc(figure(r, baseline, c.objective.metric, c.baseline.value))} <span class="note">#${c.baseline.number}</span>`,
      `${esc(figure(r, best, c.objective.metric, c.best.value))} <span class="note">#${c.best.number}</span>${runs}`,
      `<span class="${cls}">${esc(pct)}</span>`,
      esc(figure(r, baseline, ENERGY_METRIC, c.baseline.energyJ, energyText)),
      esc(figure(r, best, ENERGY_METRIC, c.best.energyJ, energyText)),
      esc(energyText(c.energyToBestJ)),
    ];
  });
  const title = r.bestValidated ? 'Baseline against best (validated by the finalists stage)' : 'Baseline against best';
  const note = r.bestValidated ? `<p class="note">Best: the finalists' winner, its values the means over its finalist runs; the baseline's are from its one search run.</p>` : '';
  return `<h2>${title}</h2>${table(['objective', 'baseline', 'best', 'gain', 'baseline energy', 'best energy', 'energy spent to find it'], rows)}${note}`;
}

/** The energy column, unless energy_j is an objective and has its own (one column per metric). */
function energyColumn(r: StudyReport): boolean {
  return !r.study.objectives.some((o) => o.metric === ENERGY_METRIC);
}

function trialRow(t: TrialRecord, r: StudyReport): string[] {
  return [
    `#${t.number}`,
    ...r.study.objectives.map((o) => `<span title="${esc(String(t.values[o.metric] ?? ''))}">${esc(figure(r, t, o.metric, t.values[o.metric]))}</span>`),
    ...(energyColumn(r) ? [esc(figure(r, t, ENERGY_METRIC, recorded(t), energyText))] : []),
    esc(paramsText(t.params)),
  ];
}

function bestSection(r: StudyReport): string {
  const objs = r.study.objectives;
  const head = ['trial', ...objs.map((o) => `${o.metric} (${o.direction === 'minimize' ? 'min' : 'max'})`), ...(energyColumn(r) ? ['energy'] : []), 'parameters'];
  if (r.best.length === 0) return `<h2>Best</h2><p class="note">No trial has completed yet.</p>`;
  // Once finalists are validated, their winner is "best"; the search's own front stays below for reference.
  const validated = r.bestValidated
    ? `<h2>Best (validated by the finalists stage)</h2>${table(head, r.best.map((t) => trialRow(t, r)), 'best')}<p class="note">Its search-time values; the validated ones are in the finalists section.</p>`
    : '';
  if (objs.length < 2) return validated || `<h2>Best trial</h2>${table(head, r.best.map((t) => trialRow(t, r)), 'best')}`;
  const [ox, oy] = [objs[0]!, objs[1]!];
  const complete = r.trials.filter((t) => !r.finalistRunIds.has(t.id) && t.state === 'complete' && Number.isFinite(t.values[ox.metric]) && Number.isFinite(t.values[oy.metric]));
  const pt = (t: TrialRecord): Point => ({ x: t.values[ox.metric]!, y: t.values[oy.metric]! });
  // A trial whose energy on an axis is below the meter's resolution has no place on it (its 0 J or rough
  // joules would sit at the cheap end as if measured): it is left off and counted, and the front drawn is
  // that of the measured trials, as on the dashboard's Pareto chart (api/queries.ts's front_measured).
  const below = belowResolutionIn(r.shortWindow);
  const drawn = complete.filter((t) => !below(t, ox.metric) && !below(t, oy.metric));
  const notDrawn = complete.length - drawn.length;
  const measured = r.trials.filter((t) => !r.finalistRunIds.has(t.id) && !objs.some((o) => below(t, o.metric)));
  const frontTrials = notDrawn > 0 ? bestTrials(measured, objs) : r.front;
  const front = frontTrials.map(pt);
  const chart = chartSvg({
    title: `Pareto front: ${ox.metric} against ${oy.metric}`,
    x: { label: `${ox.metric} (${ox.direction})` },
    y: { label: `${oy.metric} (${oy.direction})` },
    layers: [
      { kind: 'points', points: drawn.map(pt), cls: 'trial', titles: drawn.map((t) => `#${t.number}`) },
      { kind: 'line', points: paretoStaircase(front, [ox.direction, oy.direction]), cls: 'stairs' },
      { kind: 'points', points: front, cls: 'front', r: 4.5, titles: frontTrials.map((t) => `#${t.number} ${paramsText(t.params)}`) },
      ...(r.baseline && drawn.includes(r.baseline) ? [{ kind: 'points' as const, points: [pt(r.baseline)], cls: 'baseline', r: 5, titles: ['baseline'] }] : []),
    ],
    legend: [
      { cls: 'front', label: notDrawn > 0 ? 'Pareto front of the measured trials' : 'Pareto front' },
      { cls: 'trial', label: 'other trials' },
      ...(r.baseline ? [{ cls: 'baseline', label: 'baseline' }] : []),
    ],
  });
  const unplotted =
    notDrawn > 0
      ? `<p class="note below-resolution" data-count="${notDrawn}">${belowNote(notDrawn)} (energy unknown; listed in the table below); the line is the front of the ${drawn.length} measured.</p>`
      : '';
  const note = unplotted + (objs.length > 2 ? `<p class="note">The chart shows the first two of ${objs.length} objectives; the table holds the whole Pareto set.</p>` : '');
  const title = `${r.bestValidated ? "The search's Pareto front" : 'Pareto front'} (${r.front.length} trials)`;
  return `${validated}<h2>${title}</h2>${chart}${note}${table(head, r.front.map((t) => trialRow(t, r)), 'best')}`;
}

function convergenceSection(r: StudyReport): string {
  const parts = r.convergence.map((c) => {
    const o = c.objective;
    const byTrial = chartSvg({
      title: `Best ${o.metric} so far, by trial`,
      x: { label: 'trial' },
      y: { label: o.metric },
      layers: [
        { kind: 'points', points: c.all, cls: 'trial', r: 2.5 },
        { kind: 'line', points: stepped(c.byTrial), cls: 'best-line' },
      ],
    });
    const byEnergy = c.byEnergy
      ? chartSvg({
          title: `Best ${o.metric} so far, by energy spent`,
          x: { label: 'cumulative energy (kJ)' },
          y: { label: o.metric },
          layers: [{ kind: 'line', points: stepped(c.byEnergy).map((p) => ({ x: p.x / 1000, y: p.y })), cls: 'best-line' }],
        })
      : '';
    const below = c.belowResolution > 0 ? `<p class="note below-resolution">${belowNote(c.belowResolution)}: a rough or 0 J figure is no best.</p>` : '';
    return `<h3>${esc(o.metric)} (${esc(o.direction)})</h3>${byTrial}${byEnergy}${below}`;
  });
  return `<h2>Convergence</h2>${parts.join('')}`;
}

const belowNote = (n: number) => `${n} trial${n === 1 ? '' : 's'} below the meter's resolution not plotted`;

/** Best-so-far points as a step line (the value holds until the next improvement). */
function stepped(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  points.forEach((p, i) => {
    if (i > 0) out.push({ x: p.x, y: points[i - 1]!.y });
    out.push(p);
  });
  return out;
}

function curvesSection(r: StudyReport): string {
  if (!r.curves) return `<h2>Learning curves</h2><p class="note">No trial reported intermediate values.</p>`;
  const c = r.curves;
  const layers = [
    ...c.curves.filter((k) => !k.best).map((k) => ({ kind: 'line' as const, points: k.points, cls: 'curve', title: `#${k.number}` })),
    ...c.curves.filter((k) => k.best).map((k) => ({ kind: 'line' as const, points: k.points, cls: 'curve-best', title: `#${k.number} (best)` })),
  ];
  return `<h2>Learning curves</h2>${chartSvg({ title: `${c.metric} by step`, x: { label: 'step' }, y: { label: c.metric }, layers, legend: [{ cls: 'bar', label: 'best' }] })}<p class="note">${c.curves.length} trials shown; the best in colour.</p>`;
}

function importanceSection(r: StudyReport): string {
  const parts = r.importance.map(({ objective, params }) =>
    params.length === 0
      ? `<h3>${esc(objective.metric)}</h3><p class="note">Not enough complete trials to tell.</p>`
      : `<h3>${esc(objective.metric)}</h3>${barsSvg(`Importance for ${objective.metric}`, params.map((p) => ({ label: p.param, value: p.importance })))}`,
  );
  return `<h2>Parameter importance</h2><p class="note">Share of each objective's variance explained by one parameter alone (fANOVA on a random forest, Hutter et al. 2014).</p>${parts.join('')}`;
}

function provenanceSection(r: StudyReport): string {
  const metrics = r.energyMetrics.length ? `<p>Measured: ${r.energyMetrics.map((m) => `<code>${esc(m)}</code>`).join(', ')}.</p>` : '<p class="note">No energy metric was recorded.</p>';
  const groups = r.provenance.length
    ? table(
        ['trials', 'GPU', 'CPU', 'CO₂ and cost factors', 'estimate', 'flags'],
        r.provenance.map((g) => [esc(trialRanges(g.trials)), esc(g.gpu), esc(g.cpu), esc(g.factors), g.estimate ? 'yes' : 'no', esc(g.flags.join(', '))]),
      )
    : '';
  return `<h2>Energy provenance</h2>${metrics}${groups}`;
}

function environmentSection(r: StudyReport): string {
  const s = r.study.spec;
  const events = r.environment.length ? table(['time', 'kind', 'detail'], r.environment.map((e) => [esc(e.at), esc(e.kind), esc(e.message)])) : '';
  // A study from another tool (an Optuna storage) has no trainer, sampler or resources of Nightshift's.
  if (!s) return `<h2>Environment</h2>${dl([['Source', 'another tool; no Nightshift study file']])}${events}`;
  const trainer = s.trainer.kind === 'command' ? s.trainer.command.join(' ') : `built-in ${JSON.stringify(s.trainer.builtin)}`;
  const rows: [string, string][] = [
    ['Trainer', esc(trainer)],
    ['Sampler', esc(`${s.sampler.type}${Object.keys(s.sampler.options).length ? ` ${JSON.stringify(s.sampler.options)}` : ''}`)],
    ['Scheduler', esc(`${s.scheduler.type}${Object.keys(s.scheduler.options).length ? ` ${JSON.stringify(s.scheduler.options)}` : ''}`)],
    ['Seed', esc(String(s.seed))],
    ...(r.transferPrior ? [['Transfer', esc(r.transferPrior)] as [string, string]] : []),
    ['Resources', esc(s.resources.gpus === null ? `${s.resources.parallel} parallel` : `GPUs ${JSON.stringify(s.resources.gpus)}, ${s.resources.trials_per_gpu} per GPU`)],
  ];
  return `<h2>Environment</h2>${dl(rows)}${events}`;
}

function trialsSection(r: StudyReport, max = 1000): string {
  const objs = r.study.objectives;
  const rows = r.trials.slice(0, max).map((t) => [
    `#${t.number}`,
    esc(r.finalistRunIds.has(t.id) ? `${t.state} (finalist run${t.lineage.kind === 'finalist' ? ` of #${t.lineage.parentNumber}, ${t.lineage.detail ?? ''}` : ''})` : t.state),
    ...objs.map((o) => esc(figure(r, t, o.metric, t.values[o.metric]))),
    ...(energyColumn(r) ? [esc(figure(r, t, ENERGY_METRIC, recorded(t), energyText))] : []),
    esc(durationText(t.metrics.duration_s ?? null)),
    esc(paramsText(t.params)),
    esc(t.reason ?? ''),
  ]);
  const more = r.trials.length > max ? `<p class="note">First ${max} of ${r.trials.length} trials; the CSV export holds all.</p>` : '';
  return `<h2>All trials</h2>${table(['trial', 'state', ...objs.map((o) => o.metric), ...(energyColumn(r) ? ['energy'] : []), 'duration', 'parameters', 'reason'], rows, 'wide')}${more}`;
}

export function studyReportHtml(r: StudyReport, opts: PageOptions = {}): string {
  const s = r.study;
  const c = r.counts;
  const header =
    `<h1>${esc(s.name)}</h1>` +
    `<p class="meta">${esc(s.state)}${s.stopReason ? `: ${esc(s.stopReason)}` : ''} · created ${esc(s.createdAt)} · ` +
    `${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed, ${c.stopped} stopped, ${c.running} running, ${c.queued} queued</p>` +
    `<h2>Objectives</h2><ul>${s.objectives.map((o) => `<li>${esc(o.direction)} <strong>${esc(o.metric)}</strong></li>`).join('')}</ul>`;
  const finalists = finalistsSection({ finalists: r.finalists, counts: r.finalistCounts, energyJ: r.finalistsEnergyJ, energyText });
  const body = [header, budgetSection(r), baselineSection(r), bestSection(r), finalists, convergenceSection(r), curvesSection(r), importanceSection(r), provenanceSection(r), environmentSection(r), trialsSection(r)];
  return page(`${s.name} — Nightshift report`, body.join('\n'), opts);
}

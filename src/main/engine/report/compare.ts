// Comparing studies, from one database or several (Nightshift or Optuna files): a table of best results
// and total energy, and in HTML the Pareto fronts and convergence curves of all studies on shared axes.
import type { ComparisonJson, CompareView } from '../../../shared/analysis.js';
import type { Objective, StateCounts } from '../../../shared/types.js';
import { paretoStaircase, type Point } from '../../../shared/charts/index.js';
import { EnergyLedger } from '../lineage/index.js';
import { bestTrials } from '../study/pareto.js';
import type { StoreReader, StudyRecord, TrialRecord } from '../storage/types.js';
import { esc, num, table } from './html/escape.js';
import { energyText, page, type PageOptions } from './html/study.js';
import { chartSvg, type Layer } from './html/svg.js';
import { convergence } from './convergence.js';
import { paramsText } from './model.js';
import { belowResolution } from '../../../shared/energy-resolution.js';

export interface CompareInput {
  store: StoreReader;
  study: StudyRecord;
  /** How the study is named in tables and legends (unique among the inputs). */
  label: string;
  /** The database file it came from. */
  source: string;
}

export interface ComparedStudy {
  label: string;
  name: string;
  source: string;
  objectives: Objective[];
  counts: StateCounts;
  trials: TrialRecord[];
  /** Best trial per shared objective. */
  bestBy: Record<string, TrialRecord | null>;
  /** Pareto set on the shared objectives (one trial for one shared objective). */
  front: TrialRecord[];
  /**
   * Pareto set of the trials whose shared objectives were all measured (none an energy below the meter's
   * resolution): what an energy axis draws, since the others cannot be placed on it. `front` when none is below.
   */
  measuredFront: TrialRecord[];
  totalEnergyJ: number | null;
  ledger: EnergyLedger<TrialRecord>;
  /** Ids of the trials whose window the meter flagged short_window (too short for its sampling). */
  shortWindow: ReadonlySet<number>;
}

export interface StudyComparison {
  /** Objectives (metric and direction) every study has. */
  shared: Objective[];
  studies: ComparedStudy[];
}

/** Labels by study name; a name given from two files becomes `name@file-name` in both, as the CLI prints it. */
export function labelInputs(inputs: CompareInput[], basename: (file: string) => string): void {
  const repeated = new Set(inputs.map((i) => i.study.name).filter((n, k, all) => all.indexOf(n) !== k));
  for (const i of inputs) i.label = repeated.has(i.study.name) ? `${i.study.name}@${basename(i.source)}` : i.study.name;
}

export function buildComparison(inputs: readonly CompareInput[]): StudyComparison {
  const first = inputs[0]?.study.objectives ?? [];
  const shared = first.filter((o) => inputs.every((i) => i.study.objectives.some((p) => p.metric === o.metric && p.direction === o.direction)));
  const studies = inputs.map(({ store, study, label, source }) => {
    const trials = store.trials(study.id);
    const bestBy: Record<string, TrialRecord | null> = {};
    for (const o of shared) bestBy[o.metric] = bestTrials(trials, [o])[0] ?? null;
    const ledger = new EnergyLedger(trials);
    const shortWindow = new Set<number>();
    for (const [id, p] of store.provenanceOfStudy(study.id)) if (p.flags.includes('short_window')) shortWindow.add(id);
    const measured = trials.filter((t) => !shared.some((o) => belowIn(shortWindow, t, o.metric)));
    return {
      label,
      name: study.name,
      source,
      objectives: study.objectives,
      counts: store.counts(study.id),
      trials,
      bestBy,
      front: bestTrials(trials, shared),
      measuredFront: bestTrials(measured, shared),
      totalEnergyJ: ledger.measured ? ledger.total() : null,
      ledger,
      shortWindow,
    };
  });
  return { shared, studies };
}

/** Whether the trial's `metric` is an energy figure below the meter's resolution (src/shared/energy-resolution.ts). */
export function comparedBelowResolution(s: ComparedStudy, t: TrialRecord, metric: string): boolean {
  return belowIn(s.shortWindow, t, metric);
}

function belowIn(shortWindow: ReadonlySet<number>, t: TrialRecord, metric: string): boolean {
  const v = t.values[metric];
  return v !== undefined && belowResolution(metric, v, { values: t.values, metrics: t.metrics, flags: shortWindow.has(t.id) ? ['short_window'] : null });
}

/** Complete trials of `s` left off a chart of these metrics: an energy of one of them is below resolution. */
export function notPlottedOn(s: ComparedStudy, metrics: readonly string[]): number {
  return s.trials.filter((t) => t.state === 'complete' && metrics.some((m) => comparedBelowResolution(s, t, m))).length;
}

const comparedTrial = (s: ComparedStudy) => (t: TrialRecord) => ({
  number: t.number,
  values: t.values,
  params: t.params,
  ...(s.shortWindow.has(t.id) ? { short_window: true as const } : {}),
});

const belowNote = (n: number) => `${n} trial${n === 1 ? '' : 's'} below the meter's resolution not plotted`;

const flagged = (below: boolean) => (below ? { below_resolution: true as const } : {});

/** The comparison as JSON (`nightshift compare --json`). */
export function comparisonJson(c: StudyComparison): ComparisonJson {
  return {
    objectives: c.shared,
    studies: c.studies.map((s) => ({
      label: s.label,
      name: s.name,
      source: s.source,
      counts: s.counts,
      best: Object.fromEntries(
        Object.entries(s.bestBy).map(([m, t]) => [m, t ? { number: t.number, value: t.values[m]!, params: t.params, ...flagged(comparedBelowResolution(s, t, m)) } : null]),
      ),
      front: s.front.map(comparedTrial(s)),
      total_energy_j: s.totalEnergyJ,
    })),
  };
}

/**
 * Best so far of `o` as steps, against trial number or against kJ spent: report/convergence.ts's series
 * (the study report's and the dashboard's), kept where the best changes and at the last trial, as a staircase.
 * A trial whose `o` is an energy below the meter's resolution has no figure to be best with (its 0 J or rough
 * joules would drop the line to the floor): it is left out, and `notPlotted` counts it. The energy axis
 * still counts what every trial spent (the ledger's).
 */

export function convergenceSteps(s: ComparedStudy, o: Objective, byEnergy: boolean): Point[] {
  const c = convergence(s.trials.filter((t) => !comparedBelowResolution(s, t, o.metric)), o, s.ledger);
  const series = (byEnergy ? (c.byEnergy ?? []).map((p) => ({ x: p.x / 1000, y: p.y })) : c.byTrial).filter((p) => Number.isFinite(p.x));
  const best = series.filter((p, i) => i === 0 || i === series.length - 1 || p.y !== series[i - 1]!.y);
  const out: Point[] = [];
  best.forEach((p, i) => {
    if (i > 0) out.push({ x: p.x, y: best[i - 1]!.y });
    out.push(p);
  });
  return out;
}

/** The JSON plus every convergence line the HTML draws, for the dashboard's compare view. */
export function compareView(c: StudyComparison): CompareView {
  return {
    ...comparisonJson(c),
    measured_fronts: c.studies.map((s) => s.measuredFront.map(comparedTrial(s))),
    convergence: c.studies.map((s) =>
      Object.fromEntries(
        c.shared.map((o) => [
          o.metric,
          { by_trial: convergenceSteps(s, o, false), by_energy_kj: s.totalEnergyJ === null ? null : convergenceSteps(s, o, true), below_resolution: notPlottedOn(s, [o.metric]) },
        ]),
      ),
    ),
  };
}

export function compareHtml(c: StudyComparison, opts: PageOptions = {}): string {
  const legend = c.studies.map((s, i) => ({ cls: `p${i % 6}`, label: s.label }));
  const head = ['study', 'source', 'complete', 'pruned', 'failed', ...c.shared.map((o) => `best ${o.metric} (${o.direction === 'minimize' ? 'min' : 'max'})`), 'total energy'];
  const rows = c.studies.map((s) => [
    esc(s.label),
    esc(s.source),
    String(s.counts.complete),
    String(s.counts.pruned),
    String(s.counts.failed),
    ...c.shared.map((o) => {
      const t = s.bestBy[o.metric];
      return t ? `${comparedBelowResolution(s, t, o.metric) ? 'below resolution' : num(t.values[o.metric])} <span class="note">#${t.number}</span>` : '';
    }),
    esc(energyText(s.totalEnergyJ)),
  ]);
  const parts = [`<h1>Comparison of ${c.studies.length} studies</h1>`, table(head, rows)];
  if (c.shared.length === 0) {
    parts.push('<p class="note">These studies share no objective (same metric and direction), so their results cannot be drawn on common axes.</p>');
  }
  if (c.shared.length >= 2) {
    const [ox, oy] = [c.shared[0]!, c.shared[1]!];
    // Trials below the meter's resolution cannot be placed on an energy axis: the fronts are the measured trials'.
    const left = c.studies.reduce((n, s) => n + notPlottedOn(s, [ox.metric, oy.metric]), 0);
    const layers: Layer[] = c.studies.flatMap((s, i) => {
      const front = left > 0 ? s.measuredFront : s.front;
      const pts = front.map((t) => ({ x: t.values[ox.metric]!, y: t.values[oy.metric]! }));
      return [
        { kind: 'line' as const, points: paretoStaircase(pts, [ox.direction, oy.direction]), cls: `s${i % 6}` },
        { kind: 'points' as const, points: pts, cls: `p${i % 6}`, r: 4, titles: front.map((t) => `${s.label} #${t.number} ${paramsText(t.params)}`) },
      ];
    });
    parts.push('<h2>Pareto fronts</h2>');
    parts.push(chartSvg({ title: `Pareto fronts: ${ox.metric} against ${oy.metric}`, x: { label: `${ox.metric} (${ox.direction})` }, y: { label: `${oy.metric} (${oy.direction})` }, layers, legend }));
    if (left > 0) parts.push(`<p class="note">${belowNote(left)}; the fronts are those of the measured trials.</p>`);
  }
  const hasEnergy = c.studies.some((s) => s.totalEnergyJ !== null);
  for (const o of c.shared) {
    parts.push(`<h2>Convergence of ${esc(o.metric)}</h2>`);
    const unplotted = c.studies.reduce((n, s) => n + notPlottedOn(s, [o.metric]), 0);
    if (unplotted > 0) parts.push(`<p class="note">${belowNote(unplotted)}: a rough or 0 J figure is no best.</p>`);
    parts.push(
      chartSvg({
        title: `Best ${o.metric} so far, by trial`,
        x: { label: 'trial' },
        y: { label: o.metric },
        layers: c.studies.map((s, i) => ({ kind: 'line' as const, points: convergenceSteps(s, o, false), cls: `s${i % 6}` })),
        legend,
      }),
    );
    if (hasEnergy) {
      parts.push(
        chartSvg({
          title: `Best ${o.metric} so far, by energy spent`,
          x: { label: 'cumulative energy (kJ)' },
          y: { label: o.metric },
          layers: c.studies.filter((s) => s.totalEnergyJ !== null).map((s) => ({ kind: 'line' as const, points: convergenceSteps(s, o, true), cls: `s${c.studies.indexOf(s) % 6}` })),
          legend,
        }),
      );
    }
  }
  return page(`Nightshift comparison: ${c.studies.map((s) => s.label).join(', ')}`, parts.join('\n'), opts);
}

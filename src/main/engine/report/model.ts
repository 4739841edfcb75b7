// What a report says about one study, computed from the store: every number the HTML report shows comes
// from here, so it can be tested against the database directly.
import type { FinalistsJson } from '../../../shared/finalists.js';
import type { TrialProvenance } from '../../../shared/provenance.js';
import type { Objective, Params, StateCounts, StudyCostJson } from '../../../shared/types.js';
import type { Point } from '../../../shared/charts/index.js';
import { transferPriorOf } from '../campaign/transfer-prior.js';
import { finalistsSummary, searchTrials, splitCounts } from '../finalists/stage.js';
import type { ParamImportance } from '../importance/index.js';
import { IMPORTANCE_FOREST, importanceByObjective, type ImportanceOptions, type ObjectiveImportance } from '../importance/report.js';
import { byNumberIn, EnergyLedger, plannedLineage } from '../lineage/index.js';
import { bestTrials } from '../study/pareto.js';
import type { StoreReader, StudyRecord, TrialRecord } from '../storage/types.js';
import { belowResolutionIn, convergence } from './convergence.js';
import { studyCost } from './study-cost.js';

export interface BudgetUsed {
  trials: number;
  trialsLimit: number | null;
  /** From the first trial's start to the last trial's end. */
  wallSeconds: number | null;
  wallLimitSeconds: number | null;
  /** Sum of the trials' duration_s metric. */
  trialSeconds: number | null;
  /** Sum of energy_j over all finished trials (null when no trial has it). */
  energyJ: number | null;
  energyLimitJ: number | null;
  co2G: number | null;
  cost: number | null;
  /** Processes, process-seconds and the fixed cost's share of the energy (study-cost.ts). */
  processes: StudyCostJson;
}

export interface Comparison {
  objective: Objective;
  baseline: { number: number; value: number; energyJ: number | null };
  /**
   * The search's best on this objective, or once finalists ran the validated winner: then `value` and
   * `energyJ` are the means over its finalist runs and `runs` says how many (null for a search value).
   */
  best: { number: number; value: number; energyJ: number | null; runs: number | null };
  /** best - baseline, in the objective's units (positive = larger). */
  change: number;
  /** Improvement in % of |baseline| (positive = better in the objective's direction), null when baseline is 0. */
  improvementPct: number | null;
  /** Energy all trials used up to and including the best one (what finding it cost), when measured. */
  energyToBestJ: number | null;
}

export interface CurveSet {
  metric: string;
  curves: { number: number; best: boolean; points: Point[] }[];
}

export interface ProvenanceGroup {
  gpu: string;
  cpu: string;
  /** Grid intensity and price used for co2_g and cost. */
  factors: string;
  estimate: boolean;
  flags: string[];
  trials: number[];
}

export interface StudyReport {
  study: StudyRecord;
  /** The search's trials (finalist runs are counted in `finalistCounts`). */
  counts: StateCounts;
  /** Every trial, finalist runs included (the trials table lists them all). */
  trials: TrialRecord[];
  /** Best trial (one objective) or Pareto set (several), as `show` gives it: the validated winner once there is one. */
  best: TrialRecord[];
  /** Whether `best` is the finalists stage's validated winner rather than the search's best. */
  bestValidated: boolean;
  /** The search's best trial or Pareto set (finalist runs never compete). */
  front: TrialRecord[];
  /** The search's own budget: finalist runs are counted apart (`finalistsEnergyJ`). */
  budget: BudgetUsed;
  /** The finalists stage's results, null when the study has no finalist runs. */
  finalists: FinalistsJson | null;
  finalistCounts: StateCounts;
  /** Ids of the finalist runs among `trials` (retries of a run included). */
  finalistRunIds: ReadonlySet<number>;
  /** Energy the finalist runs spent (null when none was measured). */
  finalistsEnergyJ: number | null;
  baseline: TrialRecord | null;
  comparisons: Comparison[];
  convergence: { objective: Objective; byTrial: Point[]; byEnergy: Point[] | null; all: Point[]; belowResolution: number }[];
  curves: CurveSet | null;
  importance: { objective: Objective; params: ParamImportance[] }[];
  /** How energy was measured, grouped over the trials measured the same way. */
  provenance: ProvenanceGroup[];
  /** Ids of the trials whose window was shorter than the meter's sampling (flag short_window): their energy is below resolution. */
  shortWindow: ReadonlySet<number>;
  /** Events about the machine and the trials' runtime (kinds environment, inventory, gpu, backend, host...). */
  environment: { at: string; kind: string; message: string }[];
  /** Where the GP's prior came from (warm_start with prior), or null. */
  transferPrior: string | null;
  energyMetrics: string[];
}

const ENERGY_KEYS = ['energy_j', 'gpu_energy_j', 'cpu_energy_j', 'energy_above_idle_j', 'co2_g', 'cost', 'mean_gpu_power_w'];

/** A promoted trial's energy includes its parent's: totals count each trial's own part (null when none has it). */
function spent(trials: readonly TrialRecord[], key: string): number | null {
  const ledger = new EnergyLedger(trials, key);
  return ledger.measured ? ledger.total() : null;
}

function sum(trials: readonly TrialRecord[], key: string): number | null {
  let s = 0;
  let any = false;
  for (const t of trials) {
    const v = t.metrics[key] ?? t.values[key];
    if (v !== undefined && Number.isFinite(v)) {
      s += v;
      any = true;
    }
  }
  return any ? s : null;
}

const better = (o: Objective, a: number, b: number) => (o.direction === 'minimize' ? a < b : a > b);

function metricOf(t: TrialRecord, key: string): number | undefined {
  return t.values[key] ?? t.metrics[key];
}

export interface ReportOptions {
  /** Most learning curves drawn (the best trials first). Default 60. */
  maxCurves?: number;
  /** Seed of the importance forest. Default 0. */
  seed?: number;
  /**
   * The importance of the study's objectives, computed already with reportImportanceOptions (an API host
   * computes it off its event loop, importance/threaded.ts); by default it is computed here.
   */
  importance?: readonly ObjectiveImportance[];
}

/** How the report computes importance: the task an API host sends to its worker thread instead. */
export function reportImportanceOptions(opts: ReportOptions = {}): Required<ImportanceOptions> {
  return { forest: { seed: opts.seed ?? IMPORTANCE_FOREST.seed, trees: IMPORTANCE_FOREST.trees }, lenient: true };
}

export function buildStudyReport(store: StoreReader, study: StudyRecord, opts: ReportOptions = {}): StudyReport {
  const all = store.trials(study.id);
  // Finalist runs are re-runs with other seeds and overrides (parameters outside the search space, such as
  // fp32 after a bf16 search): they never compete in the search's fronts, series, importance or budget.
  const trials = searchTrials(store, study.id, all);
  const searchIds = new Set(trials.map((t) => t.id));
  const finalistRuns = all.filter((t) => !searchIds.has(t.id));
  const finalists = finalistsSummary(store, study, all);
  const finished = trials.filter((t) => t.state !== 'queued' && t.state !== 'running');
  const complete = trials.filter((t) => t.state === 'complete');
  const objectives = study.objectives;
  const winner = finalists?.winner ?? null;
  const front = bestTrials(trials, objectives);
  const best = winner !== null ? trials.filter((t) => t.number === winner) : front;

  const starts = trials.map((t) => t.startedAt).filter((s): s is string => s !== null).sort();
  const ends = trials.map((t) => t.endedAt).filter((s): s is string => s !== null).sort();
  const budget: BudgetUsed = {
    trials: finished.length,
    trialsLimit: study.spec?.budget.trials ?? null,
    wallSeconds: starts[0] && ends.at(-1) ? Math.max(0, (Date.parse(ends.at(-1)!) - Date.parse(starts[0])) / 1000) : null,
    wallLimitSeconds: study.spec?.budget.wall_time_s ?? null,
    trialSeconds: sum(finished, 'duration_s'),
    energyJ: spent(finished, 'energy_j'),
    energyLimitJ: study.spec?.budget.energy_j ?? null,
    co2G: spent(finished, 'co2_g'),
    cost: spent(finished, 'cost'),
    processes: studyCost(trials),
  };

  // Cumulative energy at the end of each trial, in trial order: what had been spent when it finished.
  const ledger = new EnergyLedger(trials);
  const byNumber = byNumberIn(trials);
  // A baseline re-run after an interruption is still the baseline.
  const baseline = trials.find((t) => t.state === 'complete' && plannedLineage(t, byNumber).kind === 'baseline') ?? null;
  const comparisons: Comparison[] = [];
  // Once finalists are validated, "best" is their winner, with the means of its runs: the search's best may
  // have been lucky, and comparing the baseline with a lucky draw overstates the gain.
  const validated = finalists?.finalists.find((f) => f.trial === winner) ?? null;
  for (const o of objectives) {
    const scored = complete.filter((t) => Number.isFinite(t.values[o.metric]));
    const top = validated ? (trials.find((t) => t.number === validated.trial) ?? null) : scored.reduce<TrialRecord | null>((b, t) => (b === null || better(o, t.values[o.metric]!, b.values[o.metric]!) ? t : b), null);
    const base = baseline?.values[o.metric];
    if (!baseline || !top || base === undefined || !Number.isFinite(base)) continue;
    const mean = validated?.validated[o.metric];
    const value = mean ? mean.mean : top.values[o.metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    const change = value - base;
    comparisons.push({
      objective: o,
      baseline: { number: baseline.number, value: base, energyJ: metricOf(baseline, 'energy_j') ?? null },
      best: { number: top.number, value, energyJ: mean ? (validated?.validated.energy_j?.mean ?? null) : (metricOf(top, 'energy_j') ?? null), runs: mean ? mean.n : null },
      change,
      improvementPct: base === 0 ? null : ((o.direction === 'minimize' ? -change : change) / Math.abs(base)) * 100,
      energyToBestJ: ledger.measured ? ledger.cumulativeAt(top.number) : null,
    });
  }


  const curves = learningCurves(store, trials, objectives[0], best, opts.maxCurves ?? 60);

  const imp = (opts.importance ?? importanceByObjective(trials, study.searchSpace, objectives, reportImportanceOptions(opts))).map((o) => ({ objective: o.objective, params: o.importance }));

  const events = store.events(study.id);
  const provenanceById = store.provenanceOfStudy(study.id);
  const provenance = groupProvenance(provenanceById, new Map(all.map((t) => [t.id, t.number])));
  const shortWindow = new Set([...provenanceById].filter(([, p]) => p.flags.includes('short_window')).map(([id]) => id));
  const series = objectives.map((o) => ({ objective: o, ...convergence(trials, o, ledger, belowResolutionIn(shortWindow)) }));
  const environment = events.filter((e) => /^(environment|inventory|gpu|engine|backend|host|meter|measure|energy)/i.test(e.kind));
  const energyMetrics = ENERGY_KEYS.filter((k) => all.some((t) => Number.isFinite(metricOf(t, k))));

  const counts = splitCounts(store, study.id);
  return {
    study,
    counts: counts.search,
    trials: all,
    best,
    bestValidated: winner !== null,
    front,
    budget,
    finalists,
    finalistCounts: counts.finalists,
    finalistRunIds: new Set(finalistRuns.map((t) => t.id)),
    finalistsEnergyJ: spent(finalistRuns.filter((t) => t.state !== 'queued' && t.state !== 'running'), 'energy_j'),
    baseline,
    comparisons,
    convergence: series,
    curves,
    importance: imp,
    provenance,
    shortWindow,
    environment: environment.map(({ at, kind, message }) => ({ at, kind, message })),
    transferPrior: transferPriorOf(store, study.id),
    energyMetrics,
  };
}

function learningCurves(store: StoreReader, trials: readonly TrialRecord[], objective: Objective | undefined, best: readonly TrialRecord[], max: number): CurveSet | null {
  if (!objective) return null;
  const metric = objective.metric;
  const bestIds = new Set(best.map((t) => t.id));
  const ended = trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
  // Keep the best trials and the rest by final value, so a large study still shows its best curves.
  const ranked = [...ended].sort((a, b) => {
    const va = a.values[metric] ?? NaN;
    const vb = b.values[metric] ?? NaN;
    if (!Number.isFinite(va)) return 1;
    if (!Number.isFinite(vb)) return -1;
    return objective.direction === 'minimize' ? va - vb : vb - va;
  });
  const chosen = ranked.slice(0, max).sort((a, b) => a.number - b.number);
  const curves = chosen
    .map((t) => ({
      number: t.number,
      best: bestIds.has(t.id),
      points: store
        .reports(t.id)
        .map((r) => ({ x: r.step, y: r.metrics[metric] ?? NaN }))
        .filter((p) => Number.isFinite(p.y)),
    }))
    .filter((c) => c.points.length > 0);
  return curves.length ? { metric, curves } : null;
}

/** The parameters of a trial as `k=v` text. */
export function paramsText(p: Params): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? String(+v.toPrecision(6)) : String(v)}`)
    .join(', ');
}

/** Metering provenance in words, grouped over the trials measured the same way. */
export function groupProvenance(byTrial: ReadonlyMap<number, TrialProvenance>, numberOf: ReadonlyMap<number, number>): ProvenanceGroup[] {
  const groups = new Map<string, ProvenanceGroup>();
  for (const [trialId, p] of byTrial) {
    const g = p.gpu;
    const c = p.cpu;
    const gpu =
      !g || g.source === 'none'
        ? `not measured${g?.reason ? ` (${g.reason})` : ''}`
        : `${g.source}${g.interval_ms !== null ? ` every ${g.interval_ms} ms` : ''}${g.method ? `, ${g.method}` : ''}${gpuBaseline(g.baseline_w)}`;
    const cpu =
      !c || c.source === 'none'
        ? `not measured${c?.reason ? ` (${c.reason})` : ''}`
        : `${c.source}${c.method ? ` (${c.method})` : ''}${c.baseline_w !== null ? `, idle ${+c.baseline_w.toPrecision(4)} W` : ''}`;
    const factors = [
      p.grid_intensity_g_per_kwh !== null ? `${p.grid_intensity_g_per_kwh} g CO₂/kWh` : '',
      p.price_per_kwh !== null ? `${p.price_per_kwh} per kWh` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const flags = [...p.flags].sort();
    const key = `${gpu}|${cpu}|${factors}|${flags.join(',')}`;
    let group = groups.get(key);
    if (!group) {
      group = { gpu, cpu, factors, estimate: false, flags, trials: [] };
      groups.set(key, group);
    }
    group.estimate ||= g?.estimate === true || c?.estimate === true;
    const n = numberOf.get(trialId);
    if (n !== undefined) group.trials.push(n);
  }
  for (const g of groups.values()) g.trials.sort((a, b) => a - b);
  return [...groups.values()];
}

function gpuBaseline(baseline: Readonly<Record<string, number>>): string {
  const text = Object.entries(baseline)
    .map(([i, w]) => `GPU ${i} ${+w.toPrecision(4)} W`)
    .join(', ');
  return text ? `, idle baseline ${text}` : '';
}

// Transfer from an earlier study (`warm_start: {study, db, prior}`): its finished trials become the GP's
// prior (samplers/gp/transfer.ts). Used by default only when the two studies are about the same thing: this
// study's every parameter exists in the earlier one with a compatible type and an overlapping range, and
// the earlier study has this study's objectives. `prior: true` turns a mismatch into a study-file error;
// `prior: false` leaves the earlier study to replaying its best configurations (warm-start.ts).
import type { GpTrial } from '../samplers/gp/suggest.js';
import type { GpPrior } from '../samplers/gp/transfer.js';
import { PRIOR_MIN_RESULTS } from '../samplers/gp/transfer.js';
import { StudySpecError } from '../study/errors.js';
import type { SearchSpace } from '../study/space.js';
import type { ParamSpec, StudySpec } from '../study/types.js';
import type { Store, StoreReader, StudyRecord } from '../storage/types.js';
import { rungResults } from '../schedulers/arrivals.js';
import { createScheduler } from '../schedulers/index.js';
import type { StepReport, TrialView } from '../study/trial-view.js';
import { openWarmStartSource, project } from './warm-start.js';
import { trialRanges } from '../../../shared/trial-ranges.js';

/** Earlier trials the prior carries at most (the best by the first objective and a spread of the rest). */
const MAX_PRIOR_TRIALS = 2000;

export interface TransferPrior {
  prior: GpPrior;
  /** One line for the study's events, `show` and the report: where the prior came from. */
  description: string;
}

/** Why `source` cannot inform a model of `target`, or null when every parameter of `target` overlaps. */
export function spaceMismatch(source: Readonly<Record<string, ParamSpec>>, target: SearchSpace): string | null {
  for (const name of target.names) {
    const s = source[name];
    const t = target.spec(name);
    if (!s) return `parameter ${name} is not in its search space`;
    if ((s.type === 'categorical') !== (t.type === 'categorical')) return `parameter ${name} is ${s.type} there and ${t.type} here`;
    if (s.type === 'categorical' && t.type === 'categorical') {
      if (!s.choices.some((c) => t.choices.includes(c))) return `parameter ${name} has no choice in common (${JSON.stringify(s.choices)} there)`;
    } else if (s.type !== 'categorical' && t.type !== 'categorical' && (s.high < t.low || s.low > t.high)) {
      return `parameter ${name} ranges over [${s.low}, ${s.high}] there, which does not overlap [${t.low}, ${t.high}]`;
    }
  }
  return null;
}

/**
 * The earlier study's prior for this study's GP, or null when the study has none (no warm start, another
 * sampler, `prior: false`, or by default a mismatch: `log` says why). Throws StudySpecError when `prior:
 * true` asks for one that cannot be had. `resuming`: the study exists already; a source that has gone since
 * (a moved file, a deleted study) then costs the prior, not the night's campaign.
 */
export function loadTransferPrior(
  spec: StudySpec,
  space: SearchSpace,
  store: StoreReader,
  openSource: ((file: string) => StoreReader) | undefined,
  log: (message: string) => void,
  resuming = false,
): TransferPrior | null {
  const ws = spec.warm_start;
  if (!ws || ws.prior === false || spec.sampler.type !== 'gp') return null;
  const required = ws.prior === true;
  const refuse = (why: string): null => {
    if (required) throw new StudySpecError(null, [{ path: 'warm_start.prior', message: `study "${ws.study}" cannot be this study's prior: ${why}; set prior: false to replay its best configurations only` }]);
    log(`no GP prior from study "${ws.study}": ${why}`);
    return null;
  };
  // Without a way to open the file, enqueueWarmStart refuses the study with the fix.
  if (ws.db && !openSource) return null;
  let source: StoreReader;
  try {
    source = openWarmStartSource(spec, store, openSource ?? (() => store));
  } catch (e) {
    const unreadable = e instanceof StudySpecError && e.issues.some((i) => i.path === 'warm_start.db');
    if (!resuming || !unreadable) throw e;
    // The issue's message names the file and why: "/x/old.db: does not exist (the earlier study's database)".
    log(`no GP prior from study "${ws.study}" for now: ${e.issues[0]!.message}`);
    return null;
  }
  try {
    const study = source.getStudy(ws.study);
    if (!study && resuming) log(`no GP prior from study "${ws.study}": it is no longer in ${ws.db ?? 'this database'}`);
    if (!study) return null; // at creation, enqueueWarmStart names the studies there
    const mismatch = spaceMismatch(study.searchSpace, space);
    if (mismatch) return refuse(mismatch);
    const missing = spec.objectives.find((o) => !study.objectives.some((s) => s.metric === o.metric));
    if (missing) return refuse(`it has no objective ${missing.metric} (its objectives: ${study.objectives.map((o) => o.metric).join(', ')})`);
    const trials = priorTrials(source, study, space, spec);
    if (trials.length < PRIOR_MIN_RESULTS) {
      return refuse(`${trials.length} results of its finished trials fit this search space with every objective, the prior needs ${PRIOR_MIN_RESULTS}`);
    }
    const first = spec.objectives[0]!;
    const sign = first.direction === 'minimize' ? 1 : -1;
    // The best and the most recent trials; the GP caps what it fits on again (max_train).
    const kept = trials.length <= MAX_PRIOR_TRIALS ? trials : [...trials].sort((a, b) => sign * (a.values![first.metric]! - b.values![first.metric]!)).slice(0, MAX_PRIOR_TRIALS);
    const where = ws.db ? ` in ${ws.db}` : '';
    const numbers = [...new Set(kept.map((t) => t.number))];
    const atRungs = kept.length > numbers.length ? `, ${kept.length} results at the scheduler's rungs` : '';
    return { prior: { trials: kept }, description: `GP prior from study "${ws.study}"${where}: ${numbers.length} finished trials (${trialRanges(numbers, 12)})${atRungs}` };
  } finally {
    if (source !== store) source.close();
  }
}

/**
 * The earlier study's results the prior is fitted on, projected onto this study's space. Under stop-based
 * successive halving this study's model learns from rung results (each configuration's first report at or
 * past a rung, schedulers/arrivals.ts), mostly the lowest rung's early on; the earlier study's results are
 * taken the same way, stopped trials included. Its complete trials alone are the few that reached the top
 * rung (3-5 of ~22 in a 60-epoch digits run), at a budget other than the one this study's model learns from.
 */
function priorTrials(source: StoreReader, study: StudyRecord, space: SearchSpace, spec: StudySpec): GpTrial[] {
  const rungSteps = spec.fidelity ? (createScheduler(spec.scheduler, spec.fidelity).rungSteps ?? null) : null;
  const finalistRuns = source.finalistRuns(study.id);
  const usable = (t: { state: string; values: Record<string, number> | null }): boolean =>
    t.state === 'complete' && spec.objectives.every((o) => Number.isFinite(t.values?.[o.metric]));
  const finished = source.trials(study.id).flatMap((t) => {
    if (finalistRuns.has(t.id) || !(t.state === 'complete' || (rungSteps && t.state === 'pruned'))) return [];
    const params = project(t.params, space);
    return params ? [{ t, params }] : [];
  });
  if (!rungSteps) {
    return finished.filter(({ t }) => usable(t)).map(({ t, params }) => ({ number: t.number, state: t.state, params, values: t.values, budget: t.budget, metrics: t.metrics }));
  }
  const series = spec.objectives.map((o) => ({ metric: o.metric, byTrial: source.metricSeries(study.id, o.metric) }));
  const views: TrialView[] = finished.map(({ t, params }) => {
    const progress = new Map<number, StepReport>();
    for (const { metric, byTrial } of series) {
      for (const r of byTrial.get(t.id) ?? []) {
        const had = progress.get(r.step);
        // Without a stored order (a foreign source), a trial's reports follow its number, then its steps.
        progress.set(r.step, { seq: had?.seq ?? r.seq ?? t.number * 2 ** 32 + r.step, values: { ...had?.values, [metric]: r.value } });
      }
    }
    return { number: t.number, state: t.state, params, values: t.values, intermediate: new Map(), progress, budget: t.budget, metrics: t.metrics };
  });
  return rungResults(views, rungSteps, spec.objectives)
    .filter(usable)
    .map(({ number, state, params, values, budget, metrics }) => ({ number, state, params, values, budget, metrics }));
}

/** The study's event kind that says a prior was used, and from where. */
export const TRANSFER_PRIOR_EVENT = 'warm_start.prior';

/** Records where the prior came from, once per study (and again if a resumed study's prior changed). */
export function recordTransferPrior(store: Store, studyId: number, transfer: TransferPrior): void {
  if (transferPriorOf(store, studyId) !== transfer.description) store.addEvent(studyId, null, TRANSFER_PRIOR_EVENT, transfer.description);
}

/** The study's last recorded prior (where it came from), or null when it never had one. */
export function transferPriorOf(store: StoreReader, studyId: number): string | null {
  return store.lastEvent(studyId, TRANSFER_PRIOR_EVENT)?.message ?? null;
}

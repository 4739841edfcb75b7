// Transfer from an earlier study (`warm_start: {study, db, prior}`): its finished trials become the GP's
// prior (samplers/gp/transfer.ts). Used by default only when the two studies are about the same thing: this
// study's every parameter exists in the earlier one with a compatible type and an overlapping range, and
// the earlier study has this study's objectives. `prior: true` turns a mismatch into a study-file error;
// `prior: false` leaves the earlier study to replaying its best configurations (warm-start.ts).
import type { GpPrior } from '../samplers/gp/transfer.js';
import { PRIOR_MIN_RESULTS } from '../samplers/gp/transfer.js';
import { StudySpecError } from '../study/errors.js';
import type { SearchSpace } from '../study/space.js';
import type { ParamSpec, StudySpec } from '../study/types.js';
import type { Store, StoreReader } from '../storage/types.js';
import { project } from './warm-start.js';
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
    source = ws.db && openSource ? openSource(ws.db) : store;
  } catch (e) {
    if (!resuming) throw e;
    log(`no GP prior from study "${ws.study}": ${ws.db} cannot be read now (${(e as Error).message})`);
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
    const finalistRuns = source.finalistRuns(study.id);
    const trials = source
      .trials(study.id)
      .filter((t) => t.state === 'complete' && !finalistRuns.has(t.id) && spec.objectives.every((o) => Number.isFinite(t.values[o.metric])))
      .flatMap((t) => {
        const params = project(t.params, space);
        return params ? [{ number: t.number, state: t.state, params, values: t.values, budget: t.budget, metrics: t.metrics }] : [];
      });
    if (trials.length < PRIOR_MIN_RESULTS) {
      return refuse(`${trials.length} of its finished trials fit this search space with every objective, the prior needs ${PRIOR_MIN_RESULTS}`);
    }
    const first = spec.objectives[0]!;
    const sign = first.direction === 'minimize' ? 1 : -1;
    // The best and the most recent trials; the GP caps what it fits on again (max_train).
    const kept = trials.length <= MAX_PRIOR_TRIALS ? trials : [...trials].sort((a, b) => sign * (a.values[first.metric]! - b.values[first.metric]!)).slice(0, MAX_PRIOR_TRIALS);
    const where = ws.db ? ` in ${ws.db}` : '';
    return { prior: { trials: kept }, description: `GP prior from study "${ws.study}"${where}: ${kept.length} finished trials (${trialRanges(kept.map((t) => t.number), 12)})` };
  } finally {
    if (source !== store) source.close();
  }
}

/** The study's event kind that says a prior was used, and from where. */
export const TRANSFER_PRIOR_EVENT = 'warm_start.prior';

/** Records where the prior came from, once per study (and again if a resumed study's prior changed). */
export function recordTransferPrior(store: Store, studyId: number, transfer: TransferPrior): void {
  if (transferPriorOf(store, studyId) !== transfer.description) store.addEvent(studyId, null, TRANSFER_PRIOR_EVENT, transfer.description);
}

/** The study's last recorded prior (where it came from), or null when it never had one. */
export function transferPriorOf(store: StoreReader, studyId: number): string | null {
  return store.events(studyId).findLast((e) => e.kind === TRANSFER_PRIOR_EVENT)?.message ?? null;
}

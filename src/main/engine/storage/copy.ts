// Copies one study from any StoreReader (a Nightshift database, or an Optuna file through OptunaReader)
// into a Store, through the Store API and in one transaction, so the copy is all or nothing. Each trial goes
// the way a live trial goes (enqueue → claim → reports → finish); with a ReplayClock as the target's
// clock the copy keeps the source's times instead of the time of copying. Measurement provenance, GPU
// power samples and finalist runs (configuration, seed and fold of each) go along; the sampler's saved state does not (a resumed copy's sampler starts over
// from the copied trials).
import type { TrialProvenance } from '../../../shared/provenance.js';
import type { StateCounts } from '../../../shared/types.js';
import { specHash } from '../study/spec-hash.js';
import type { StudySpec } from '../study/types.js';
import type { FinishTrial, NewLineage, NightshiftStudyRecord, Store, StoreReader, StudyRecord, TrialLineage, TrialRecord } from './types.js';

export class CopyStudyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyStudyError';
  }
}

/**
 * The target store's clock during a copy: moved to each source timestamp before the write that records
 * it. Open the target with `openStore(file, { clock: clock.now })`.
 */
export class ReplayClock {
  private t = new Date();
  readonly now = (): Date => this.t;
  set(iso: string | null): void {
    const d = iso === null ? new Date(NaN) : new Date(iso);
    this.t = Number.isNaN(d.getTime()) ? new Date() : d;
  }
}

export interface CopyOptions {
  /** Name in the target (default: the source name). */
  as?: string;
  clock?: ReplayClock;
  /** What becomes of queued trials: kept queued (a copy that can be resumed) or closed as stopped. Running ones are always stopped. */
  queued?: 'keep' | 'stop';
  /**
   * The copy's spec, named `as`. Default: the source's spec renamed; a source without one (an Optuna
   * storage) needs this, since only the caller knows how the copy is meant to run.
   */
  spec?: (source: StudyRecord, as: string) => StudySpec;
  /** Words for the stop reason of trials that were still open in the source. */
  openNote?: string;
  /** Final state and reason of the copy (default: the source's). */
  finalState?: { state: StudyRecord['state']; reason: string | null };
  /** Copy the source's own events (engine notes, measurements), after the trials. Default true. */
  events?: boolean;
}

export interface CopyResult {
  study: NightshiftStudyRecord;
  counts: StateCounts;
}

/** Event kinds the store writes itself on each state change; they are re-created by the copy, not copied. */
const STORE_EVENT = /^(study\.(created|state)|trial\.(queued|running|complete|pruned|failed|stopped))$/;

function finishOf(t: TrialRecord, note: string, provenance: TrialProvenance | null): FinishTrial {
  switch (t.state) {
    case 'complete':
    case 'pruned':
    case 'failed':
    case 'stopped':
      return { state: t.state, values: t.values, metrics: withoutValues(t), reason: t.reason, provenance };
    case 'running':
      return { state: 'stopped', values: {}, metrics: withoutValues(t), reason: `was RUNNING in ${note} when copied`, provenance };
    default:
      return { state: 'stopped', values: {}, metrics: withoutValues(t), reason: `was WAITING in ${note} (never started) when copied`, provenance };
  }
}

/** A trial's lineage in the copy: its parent is the copy of its parent (copied before it: trials go in order). */
function copiedLineage(l: TrialLineage, numbers: ReadonlyMap<number, number>): NewLineage {
  const parent = l.parentNumber === null ? undefined : numbers.get(l.parentNumber);
  return { kind: l.kind, parentNumber: parent ?? null, detail: l.parentNumber !== null && parent === undefined ? (l.detail ?? String(l.parentNumber)) : l.detail };
}

function withoutValues(t: TrialRecord): Record<string, number> {
  return Object.fromEntries(Object.entries(t.metrics).filter(([k]) => !(k in t.values)));
}

export function copyStudy(source: StoreReader, name: string, target: Store, opts: CopyOptions = {}): CopyResult {
  const found = source.getStudy(name);
  if (!found) {
    const names = source.listStudies().map((s) => s.name);
    throw new CopyStudyError(`no study named "${name}" (studies there: ${names.length ? names.join(', ') : 'none'})`);
  }
  const as = opts.as ?? name;
  if (target.getStudy(as)) throw new CopyStudyError(`the target database already has a study named "${as}"; choose another name`);
  const spec = opts.spec ? opts.spec(found, as) : found.spec && { ...found.spec, name: as };
  if (!spec) throw new CopyStudyError(`study "${name}" has no Nightshift study spec to copy (it comes from another tool); import it instead`);
  const trials = source.trials(found.id);
  const provenance = source.provenanceOfStudy(found.id);
  const samples = source.gpuSamples(found.id);
  const finalistRuns = source.finalistRuns(found.id);
  const events = opts.events === false ? [] : source.events(found.id).filter((e) => !STORE_EVENT.test(e.kind));
  const clock = opts.clock;
  const note = opts.openNote ?? 'the source database';
  const study = target.transaction(() => {
    clock?.set(found.createdAt);
    const { study, created } = target.createStudy(spec, specHash(spec));
    if (!created) throw new CopyStudyError(`the target database already has a study named "${as}"`);
    const ids = new Map<number, number>();
    const numbers = new Map<number, number>();
    const byNumber = new Map<number, number>();
    for (const t of trials) {
      clock?.set(t.startedAt ?? t.endedAt);
      const newTrial = { params: t.params, budget: t.budget, lineage: copiedLineage(t.lineage, numbers), retries: t.retries };
      const run = finalistRuns.get(t.id);
      // A retry of a finalist run gets its row from the store itself (a trigger): adding one would be a second.
      const parentId = newTrial.lineage.kind === 'retry' && newTrial.lineage.parentNumber != null ? byNumber.get(newTrial.lineage.parentNumber) : undefined;
      const inherited = parentId !== undefined && target.finalistRun(parentId) !== null;
      const queued =
        run && !inherited
          ? target.enqueueFinalistRun(study.id, newTrial, { ...run, parentNumber: numbers.get(run.parentNumber) ?? run.parentNumber })
          : target.enqueueTrial(study.id, newTrial);
      byNumber.set(queued.number, queued.id);
      ids.set(t.id, queued.id);
      numbers.set(t.number, queued.number);
      if (t.state === 'queued' && opts.queued !== 'stop') continue;
      const running = target.claimQueued(study.id, 'copy');
      if (running?.id !== queued.id) throw new Error(`copy: trial ${t.number} could not be started in the target`);
      for (const r of source.reports(t.id)) {
        clock?.set(r.at === '' ? null : r.at);
        target.addReport(running.id, r.step, r.metrics);
      }
      clock?.set(t.endedAt ?? t.startedAt);
      target.finishTrial(running.id, finishOf(t, note, provenance.get(t.id) ?? null));
    }
    if (samples.length > 0) target.addGpuSamples(study.id, samples);
    for (const e of events) {
      clock?.set(e.at);
      target.addEvent(study.id, e.trialId === null ? null : (ids.get(e.trialId) ?? null), e.kind, e.message);
    }
    clock?.set(null);
    const final = opts.finalState ?? { state: found.state === 'running' ? 'idle' : found.state, reason: found.stopReason };
    target.setStudyState(study.id, final.state, final.reason);
    return target.getStudy(as)!;
  });
  return { study, counts: target.counts(study.id) };
}

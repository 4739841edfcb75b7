// Warm start: the best configurations of an earlier study, projected onto a new study's search space,
// to be enqueued first (and, for the GP, its observations as prior data). A configuration is dropped
// when it does not fit the new space: a parameter the new space needs is missing, a value is out of its
// new range or not among its new choices. Parameters the new space no longer has are left out.
import { realpathSync } from 'node:fs';
import type { Objective, Params } from '../../../shared/types.js';
import { nonDominatedSort } from '../study/pareto.js';
import type { SearchSpace } from '../study/space.js';
import { StudySpecError } from '../study/errors.js';
import { WARM_START_ITSELF } from '../study/spec.js';
import type { StudySpec } from '../study/types.js';
import { StoreOpenError } from '../storage/open.js';
import type { Store, StoreReader, TrialRecord } from '../storage/types.js';
import { plannedLineage, type ByNumber } from '../lineage/index.js';

export class WarmStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WarmStartError';
  }
}

export interface WarmStartOptions {
  /** Rank by this objective only (default: the earlier study's objectives, by Pareto rank when several). */
  objective?: Objective;
}

/** The earlier study's complete trials, best first: by value for one objective, by Pareto front for several. */
export function rankTrials(trials: readonly TrialRecord[], objectives: readonly Objective[]): TrialRecord[] {
  const scored = trials.filter((t) => t.state === 'complete' && objectives.every((o) => Number.isFinite(t.values[o.metric])));
  const first = objectives[0];
  if (!first) return [];
  const byFirst = (a: TrialRecord, b: TrialRecord) =>
    (first.direction === 'minimize' ? 1 : -1) * (a.values[first.metric]! - b.values[first.metric]!) || a.number - b.number;
  if (objectives.length === 1) return [...scored].sort(byFirst);
  const fronts = nonDominatedSort(
    scored.map((t) => objectives.map((o) => t.values[o.metric]!)),
    objectives.map((o) => o.direction),
  );
  return fronts.flatMap((f) => f.map((i) => scored[i]!).sort(byFirst));
}

/** `params` as a valid configuration of `space`, or null when it does not fit. */
export function project(params: Params, space: SearchSpace): Params | null {
  const out: Params = {};
  for (const name of space.names) {
    if (!space.isActive(name, out)) continue;
    const v = params[name];
    if (v === undefined) return null;
    const p = space.spec(name);
    if (p.type === 'categorical') {
      if (!p.choices.includes(v)) return null;
      out[name] = v;
      continue;
    }
    if (typeof v !== 'number' || v < p.low || v > p.high) return null;
    // Onto the new grid (step, integer); a value that moves more than half a step was not on it.
    const snapped = space.snap(name, v) as number;
    const tol = (p.step ?? (p.type === 'int' ? 1 : 0)) / 2 + 1e-9 * Math.max(1, Math.abs(v));
    if (Math.abs(snapped - v) > tol) return null;
    out[name] = snapped;
  }
  return space.check(out) === null ? out : null;
}

/**
 * Up to `k` of the best configurations of study `fromStudy` in `from`, that fit `space`, best first,
 * without repeats.
 */
export function warmStartTrials(from: StoreReader, fromStudy: string, space: SearchSpace, k: number, opts: WarmStartOptions = {}): Params[] {
  const study = from.getStudy(fromStudy);
  if (!study) {
    const names = from.listStudies().map((s) => s.name);
    throw new WarmStartError(`warm_start.study: no study named "${fromStudy}" (studies there: ${names.length ? names.join(', ') : 'none'})`);
  }
  const ranked = rankTrials(from.trials(study.id), opts.objective ? [opts.objective] : study.objectives);
  const out: Params[] = [];
  const seen = new Set<string>();
  for (const t of ranked) {
    if (out.length >= k) break;
    const p = project(t.params, space);
    if (!p) continue;
    const key = space.key(p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** The path `file` resolves to on disk (links followed), or `file` itself when it cannot be resolved. */
function canonical(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * The database warm_start reads: `store` itself when it names no file, else `db` opened read-only. A file
 * that cannot be opened (missing, a folder, not a database) is the study file's error, naming warm_start.db;
 * so is a warm start from this very study, which would replay its own trials and take them as its own prior.
 */
export function openWarmStartSource(spec: StudySpec, store: StoreReader, openSource: (file: string) => StoreReader): StoreReader {
  const ws = spec.warm_start!;
  let source: StoreReader = store;
  if (ws.db) {
    try {
      source = openSource(ws.db);
    } catch (e) {
      // Errors about the file (StoreOpenError and its kinds, SQLite's and the file system's codes); anything
      // else is a fault of Nightshift's and keeps its stack.
      if (!(e instanceof StoreOpenError) && typeof (e as { code?: unknown }).code !== 'string') throw e;
      throw new StudySpecError(null, [{ path: 'warm_start.db', message: `${(e as Error).message} (the earlier study's database)` }]);
    }
  }
  if (ws.study === spec.name && (source === store || canonical(source.file) === canonical(store.file))) {
    if (source !== store) source.close();
    throw new StudySpecError(null, [{ path: 'warm_start.study', message: WARM_START_ITSELF }]);
  }
  return source;
}

/** The best configurations of an earlier study (this database or another file) run right after the baseline. */
export function enqueueWarmStart(
  store: Store,
  studyId: number,
  spec: StudySpec,
  space: SearchSpace,
  budget: number | null,
  openSource: ((file: string) => StoreReader) | undefined,
): void {
  const ws = spec.warm_start!;
  if (ws.db && !openSource) throw new StudySpecError(null, [{ path: 'warm_start.db', message: 'this host cannot open other databases; leave out db to warm-start from a study in this one' }]);
  const source = openWarmStartSource(spec, store, openSource ?? (() => store));
  try {
    const configs = warmStartTrials(source, ws.study, space, ws.top);
    const baselineKey = spec.baseline ? space.key(spec.baseline) : null;
    // A replay no scheduler may stop (replayedInFull) gets the full budget: at the lowest rung of a promoting
    // scheduler it would wait there for a promotion instead (with Hyperband, it joins bracket 0).
    const replayBudget = spec.fidelity && ws.early_stop !== true ? spec.fidelity.max : budget;
    for (const params of configs) {
      if (space.key(params) === baselineKey) continue;
      store.enqueueTrial(studyId, { params, budget: replayBudget, lineage: { kind: 'warm-start', detail: ws.study } });
    }
  } catch (e) {
    if (e instanceof WarmStartError) throw new StudySpecError(null, [{ path: 'warm_start', message: e.message.replace(/^warm_start\.?\w*: /, '') }]);
    throw e;
  } finally {
    if (source !== store) source.close();
  }
}

/**
 * Whether `t` replays an earlier study's configuration that no scheduler may stop early (`warm_start.early_stop`
 * off, the default). The earlier study trained it to the end and ranked it among its best; an early report
 * here says less about it than that result did, and slow starters (a low learning rate, a large batch) are
 * exactly what a low rung cuts. It still reports like any trial, so it is a competitor for the others.
 * A retry keeps its first attempt's standing.
 */
export function replayedInFull(spec: StudySpec, t: TrialRecord, byNumber: ByNumber<TrialRecord>): boolean {
  if (!spec.warm_start || spec.warm_start.early_stop === true) return false;
  return plannedLineage(t, byNumber).kind === 'warm-start';
}

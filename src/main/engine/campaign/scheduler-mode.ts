// Which form of successive halving (`scheduler.mode`: stop | promote) a study runs when its file names
// none. A new study gets the default (stop), written into the spec it is stored with, so the choice is
// recorded at creation. A study created before `mode` existed ran ASHA/Hyperband by promotion, and its
// stored spec says so by having no mode: resuming it keeps promote, rather than switching a half-run study
// to another algorithm because the default changed. A mode the file sets always wins.
import { DEFAULT_SUCCESSIVE_HALVING_MODE, type SuccessiveHalvingMode } from '../schedulers/asha.js';
import type { StudySpec } from '../study/types.js';

/** The scheduler types that take `mode`. */
const WITH_MODE = new Set(['asha', 'hyperband']);

/** What the study was created before `mode` existed ran (its stored spec has an asha/hyperband scheduler and no mode). */
export const MODE_BEFORE_MODES: SuccessiveHalvingMode = 'promote';

export interface ModeChoice {
  /** `spec` with `scheduler.options.mode` filled in where the file left it out (else `spec` itself). */
  spec: StudySpec;
  /** Why the mode was filled in with something other than the default; null when it was not. */
  note: string | null;
}

/**
 * Fills in `scheduler.options.mode` for an asha or hyperband study whose file names no mode: the stored
 * study's mode when it recorded one, promote when it was created before modes (its stored scheduler is
 * asha or hyperband without one), else the default. `stored` is the spec the study was created with, or
 * null for a new study (or one whose stored spec is unknown).
 */
export function withSchedulerMode(spec: StudySpec, stored: StudySpec | null): ModeChoice {
  if (!WITH_MODE.has(spec.scheduler.type) || spec.scheduler.options.mode !== undefined) return { spec, note: null };
  const before = stored !== null && WITH_MODE.has(stored.scheduler.type) ? stored.scheduler.options.mode : undefined;
  const old = stored !== null && WITH_MODE.has(stored.scheduler.type) && before === undefined;
  const mode = old ? MODE_BEFORE_MODES : typeof before === 'string' ? before : DEFAULT_SUCCESSIVE_HALVING_MODE;
  const note = old
    ? `study "${spec.name}" was created before schedulers had a mode and ran ${stored!.scheduler.type} by promotion: it resumes in mode ${mode} (set scheduler.mode: stop to change that)`
    : null;
  return { spec: { ...spec, scheduler: { ...spec.scheduler, options: { ...spec.scheduler.options, mode } } }, note };
}

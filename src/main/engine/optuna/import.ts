// `nightshift import`: one Optuna study copied into Nightshift (trials, parameters, values, intermediate
// values as reports, states). Optuna's COMPLETE/PRUNED/FAIL map to complete/pruned/failed; a RUNNING or
// WAITING trial becomes stopped with a reason, since nothing will ever run it in Nightshift.
import { copyStudy, CopyStudyError, type CopyResult, type ReplayClock } from '../storage/copy.js';
import type { Store, StudyRecord } from '../storage/types.js';
import type { StudySpec } from '../study/types.js';
import type { OptunaReader } from './reader.js';

export interface ImportOptions {
  /** Name of the study in Nightshift (default: the Optuna study's name). */
  as?: string;
  /** The target store's clock, so imported trials keep Optuna's times (see ReplayClock). */
  clock?: ReplayClock;
}

/**
 * The imported study's spec: Optuna's search space and objectives; its trainer records where it came
 * from (an imported study has no program to run), and the rest is what a study file that omits it gets.
 */
export function importedSpec(source: OptunaReader, study: StudyRecord, as: string): StudySpec {
  return {
    name: as,
    trainer: { kind: 'builtin', builtin: { imported_from: 'optuna', file: source.file, study: study.name }, timeout_s: null },
    search_space: study.searchSpace,
    objectives: study.objectives,
    constraints: [],
    fidelity: null,
    sampler: { type: 'random', options: {} },
    scheduler: { type: 'none', options: {} },
    budget: { trials: null, wall_time_s: null, energy_j: null, deadline: null },
    resources: { parallel: 1, gpus: null, trials_per_gpu: 1, allow_busy_gpus: false, min_free_disk_bytes: 0 },
    baseline: null,
    warm_start: null,
    seed: 0,
    max_retries: 0,
    kill_grace_s: 10,
    checkpoints: { keep_best: 3 },
  };
}

export function importOptunaStudy(source: OptunaReader, name: string, target: Store, opts: ImportOptions = {}): CopyResult {
  try {
    return copyStudy(source, name, target, {
      as: opts.as,
      clock: opts.clock,
      queued: 'stop',
      openNote: 'the Optuna database',
      events: false,
      spec: (study, as) => importedSpec(source, study, as),
      finalState: { state: 'finished', reason: `imported from Optuna study "${name}" in ${source.file}` },
    });
  } catch (e) {
    if (e instanceof CopyStudyError) throw new CopyStudyError(`${source.file}: ${e.message}`);
    throw e;
  }
}

// `nightshift import`: one Optuna study copied into Nightshift (trials, parameters, values, intermediate
// values as reports, states). Optuna's COMPLETE/PRUNED/FAIL map to complete/pruned/failed; a RUNNING or
// WAITING trial becomes stopped with a reason, since nothing will ever run it in Nightshift.
import { copyStudy, CopyStudyError, type CopyResult, type ReplayClock } from '../report/copy.js';
import type { Store } from '../storage/types.js';
import type { OptunaReader } from './reader.js';

export interface ImportOptions {
  /** Name of the study in Nightshift (default: the Optuna study's name). */
  as?: string;
  /** The target store's clock, so imported trials keep Optuna's times (see ReplayClock). */
  clock?: ReplayClock;
}

export function importOptunaStudy(source: OptunaReader, name: string, target: Store, opts: ImportOptions = {}): CopyResult {
  try {
    return copyStudy(source, name, target, {
      as: opts.as,
      clock: opts.clock,
      queued: 'stop',
      openNote: 'the Optuna database',
      events: false,
      spec: (spec) => ({ ...spec, trainer: { kind: 'builtin', builtin: { imported_from: 'optuna', file: source.file, study: name }, timeout_s: null } }),
      finalState: { state: 'finished', reason: `imported from Optuna study "${name}" in ${source.file}` },
    });
  } catch (e) {
    if (e instanceof CopyStudyError) throw new CopyStudyError(`${source.file}: ${e.message}`);
    throw e;
  }
}

// Reading study sources: a Nightshift database or an Optuna storage, both behind the Store interface.
import { ForeignDatabaseError, openStore } from '../storage/open.js';
import type { Store } from '../storage/types.js';
import { OptunaReader } from './reader.js';

export { OptunaReader, ReadOnlyOptunaError, optunaTime, OPTUNA_STATES } from './reader.js';
export { OptunaFormatError, parseDistribution, decodeParamValue } from './distributions.js';
export { importOptunaStudy, type ImportOptions } from './import.js';
export { CopyStudyError, ReplayClock, copyStudy, type CopyResult } from '../report/copy.js';

/**
 * Opens `file` read-only: a Nightshift database as its store, an Optuna storage through OptunaReader.
 * Anything else throws what openStore throws (ForeignDatabaseError 'not-sqlite' | 'corrupt' |
 * 'other-app', StoreOpenError, NewerSchemaError), and the file is never modified either way.
 */
export function openAnyStudySource(file: string): Store {
  try {
    return openStore(file, { readonly: true });
  } catch (e) {
    if (e instanceof ForeignDatabaseError && e.kind === 'optuna') return new OptunaReader(file);
    throw e;
  }
}

/** The Optuna reader behind a store opened by openAnyStudySource, if it is one. */
export function asOptunaReader(store: Store): OptunaReader | null {
  return store instanceof OptunaReader ? store : null;
}

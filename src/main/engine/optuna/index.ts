// Reading study sources: a Nightshift database or an Optuna storage, both behind the StoreReader interface.
import { ForeignDatabaseError, openStoreReader } from '../storage/open.js';
import type { StoreReader } from '../storage/types.js';
import { OptunaReader } from './reader.js';

export { OptunaReader, optunaTime, OPTUNA_STATES } from './reader.js';
export { OptunaFormatError, parseDistribution, decodeParamValue } from './distributions.js';
export { importedSpec, importOptunaStudy, type ImportOptions } from './import.js';

/**
 * Opens `file` read-only: a Nightshift database as its reader, an Optuna storage through OptunaReader.
 * Anything else throws what openStoreReader throws (ForeignDatabaseError 'not-sqlite' | 'corrupt' |
 * 'other-app', StoreOpenError, NewerSchemaError), and the file is never modified either way.
 */
export function openAnyStudySource(file: string): StoreReader {
  try {
    return openStoreReader(file);
  } catch (e) {
    if (e instanceof ForeignDatabaseError && e.kind === 'optuna') return new OptunaReader(file);
    throw e;
  }
}

/** The Optuna reader behind a source opened by openAnyStudySource, if it is one. */
export function asOptunaReader(store: StoreReader): OptunaReader | null {
  return store instanceof OptunaReader ? store : null;
}

// The database a window or `serve` looks at. Read-only: a reader only, the file never written. Writable: one
// store that is both reader and writer. An Optuna storage is shown as it is, read-only (through the engine's
// Optuna reader, as `ls` and `show` read it), whatever was asked: Nightshift never writes to it.
import { OptunaReader } from '../engine/optuna/index.js';
import { ForeignDatabaseError, openStore, openStoreReader, StoreOpenError } from '../engine/storage/open.js';
import type { Store, StoreReader } from '../engine/storage/types.js';

export interface OpenedDatabase {
  store: StoreReader;
  /** The same database when it is open for writing; null when it is open read-only (an Optuna file always). */
  writer: Store | null;
  readonly: boolean;
  /** 'optuna' when the file is an Optuna storage. */
  kind: 'nightshift' | 'optuna';
}

export function openDatabase(file: string, readonly: boolean): OpenedDatabase {
  try {
    if (readonly) return { store: openStoreReader(file), writer: null, readonly, kind: 'nightshift' };
    const store = openStore(file);
    return { store, writer: store, readonly, kind: 'nightshift' };
  } catch (e) {
    // openStore checks that a file is writable before it looks inside: a read-only Optuna file is still shown.
    if (isOptunaError(e) || (!readonly && e instanceof StoreOpenError && isOptunaFile(file))) {
      return { store: new OptunaReader(file), writer: null, readonly: true, kind: 'optuna' };
    }
    throw e;
  }
}

function isOptunaError(e: unknown): boolean {
  return e instanceof ForeignDatabaseError && e.kind === 'optuna';
}

/** Whether `file` is an Optuna storage, found by a read-only look (the file is never written). */
function isOptunaFile(file: string): boolean {
  try {
    openStoreReader(file).close();
    return false;
  } catch (e) {
    return isOptunaError(e);
  }
}

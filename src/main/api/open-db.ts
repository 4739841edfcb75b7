// The database a window or `serve` looks at. An Optuna storage is shown as it is, read-only (through the
// engine's Optuna reader, as `ls` and `show` read it), whatever was asked: Nightshift never writes to it.
import { OptunaReader } from '../engine/optuna/index.js';
import { ForeignDatabaseError, openStore } from '../engine/storage/open.js';
import type { Store } from '../engine/storage/types.js';

export interface OpenedDatabase {
  store: Store;
  readonly: boolean;
  /** 'optuna' when the file is an Optuna storage. */
  kind: 'nightshift' | 'optuna';
}

export function openDatabase(file: string, readonly: boolean): OpenedDatabase {
  try {
    return { store: openStore(file, { readonly }), readonly, kind: 'nightshift' };
  } catch (e) {
    if (e instanceof ForeignDatabaseError && e.kind === 'optuna') return { store: new OptunaReader(file), readonly: true, kind: 'optuna' };
    throw e;
  }
}

// Opening the database a command works on, with errors a user can act on.
import { existsSync } from 'node:fs';
import { resolveDataPaths, type DataPaths } from '../engine/paths.js';
import { openAnyStudySource } from '../engine/optuna/index.js';
import { openStore } from '../engine/storage/open.js';
import type { NightshiftStudyRecord, Store, StoreReader, StudyRecord } from '../engine/storage/types.js';
import { CliError, EXIT } from './errors.js';

/**
 * Where a command's data lives. `--db ""` (an unset shell variable, `--db "$DB"`) used to fall through to
 * the home database silently, so a typo wrote to the wrong file; it is refused instead.
 */
export function dataPathsFor(dbFlag: string | undefined): DataPaths {
  if (dbFlag !== undefined && dbFlag.trim() === '') {
    throw new CliError('--db is empty; give the path of a database file, or leave --db out to use $NIGHTSHIFT_DB or $NIGHTSHIFT_HOME/nightshift.db', EXIT.usage);
  }
  return resolveDataPaths(dbFlag);
}

/** Opens (and creates if needed) the database for a command that writes. */
export function openForWrite(dbFlag: string | undefined): { store: Store; paths: DataPaths } {
  const paths = dataPathsFor(dbFlag);
  return { store: userError(() => openStore(paths.db)), paths };
}

/** Opens an existing database for a command that only reads; null when there is none yet. */
export function openForRead(dbFlag: string | undefined): { store: StoreReader | null; paths: DataPaths } {
  const paths = dataPathsFor(dbFlag);
  if (!existsSync(paths.db)) return { store: null, paths };
  // Read-only commands also read Optuna storages (never written); anything else foreign still throws.
  return { store: userError(() => openAnyStudySource(paths.db)), paths };
}

/** A database that cannot be opened is bad input: one line, exit code 2. */
function userError<T>(open: () => T): T {
  try {
    return open();
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.usage);
  }
}

export function requireStudy(store: Store | null, name: string, db: string): { store: Store; study: NightshiftStudyRecord };
export function requireStudy(store: StoreReader | null, name: string, db: string): { store: StoreReader; study: StudyRecord };
export function requireStudy(store: StoreReader | null, name: string, db: string): { store: StoreReader; study: StudyRecord } {
  if (!store) throw new CliError(`no database at ${db}; run a study first (\`nightshift run study.yaml\`) or pass --db FILE`, EXIT.usage);
  const study = store.getStudy(name);
  if (study) return { store, study };
  const names = store.listStudies().map((s) => s.name);
  const hint = names.length ? `studies there: ${names.join(', ')}` : 'it has no studies yet; create one with `nightshift run study.yaml`';
  throw new CliError(`no study named "${name}" in ${db} (${hint})`, EXIT.usage);
}

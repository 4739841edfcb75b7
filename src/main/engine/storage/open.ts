// Opening the database: the one entry point the engine, the CLI and the app use.
// A file is inspected READ-ONLY before anything writes to it (see sqlite/inspect.ts), so pointing
// Nightshift at someone else's database never changes that file. Which file to open (--db,
// NIGHTSHIFT_DB, NIGHTSHIFT_HOME) is decided by ../paths.ts (`resolveDataPaths`).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { NewerSchemaError, StoreOpenError } from './sqlite/errors.js';
import { classifyConnection, inspectDatabaseFile } from './sqlite/inspect.js';
import { migrate } from './sqlite/migrate.js';
import { LATEST_SCHEMA_VERSION } from './sqlite/migrations/index.js';
import { SqliteStore } from './sqlite/store.js';
import type { Store } from './types.js';

export { ForeignDatabaseError, isDiskFullError, NewerSchemaError, StoreOpenError, type ForeignKind } from './sqlite/errors.js';
export { LATEST_SCHEMA_VERSION } from './sqlite/migrations/index.js';
export { SqliteStore } from './sqlite/store.js';

export interface OpenStoreOptions {
  /** Never write to the file (viewing a colleague's database). An older schema is upgraded in memory only. */
  readonly?: boolean;
  /** Source of timestamps (default: the system clock). */
  clock?: () => Date;
}

const BUSY_TIMEOUT_MS = 5000;

export function openStore(file: string, opts: OpenStoreOptions = {}): SqliteStore {
  const readonly = opts.readonly ?? false;
  const clock = opts.clock ?? (() => new Date());
  const found = inspectDatabaseFile(file);
  if (found.kind === 'nightshift' && found.version > LATEST_SCHEMA_VERSION) {
    throw new NewerSchemaError(file, found.version, LATEST_SCHEMA_VERSION);
  }
  if (readonly) {
    if (found.kind !== 'nightshift') {
      throw new StoreOpenError(file, `${file}: ${found.kind === 'missing' ? 'does not exist' : 'holds no Nightshift data yet'}`);
    }
    let db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    if (found.version < LATEST_SCHEMA_VERSION) {
      // Upgrade a copy in memory: the file stays as it is, and the store still sees the current schema.
      const image = db.serialize();
      // Header bytes 18-19 say "WAL"; an in-memory database cannot use WAL and refuses to read such an
      // image, so the copy is marked as a rollback-journal database (value 1).
      image[18] = 1;
      image[19] = 1;
      const copy = new Database(image);
      db.close();
      db = copy;
      migrate(db, { file });
    }
    db.pragma('query_only = ON');
    return new SqliteStore(db, { file, readonly, clock });
  }

  if (found.kind === 'missing') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    // The file may have changed since the read-only look; check again before the first write.
    const again = classifyConnection(db, file);
    if (again.kind === 'nightshift' && again.version > LATEST_SCHEMA_VERSION) {
      throw new NewerSchemaError(file, again.version, LATEST_SCHEMA_VERSION);
    }
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL: readers (the UI, `show`) never block the engine's writes. synchronous=FULL fsyncs the WAL at
    // every commit, so a trial reported complete is still complete after a power loss; NORMAL fsyncs only
    // at checkpoints and may roll the latest commits back (a finished trial would run again, its outcome
    // lost). The cost, measured by bench/sqlite-durability.mjs (README, "Files"): ~6 ms per commit instead
    // of ~0.1 ms on the build machine's virtual disk, paid per report and state change, not per sample.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, { file });
  } catch (e) {
    db.close();
    throw e;
  }
  return new SqliteStore(db, { file, readonly, clock });
}

export type { Store };

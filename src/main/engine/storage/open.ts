// Opening the database: the entry points the engine, the CLI and the app use. `openStoreReader` for
// everything that only looks (no write method exists on what it returns), `openStore` for a campaign.
// A file is inspected READ-ONLY before anything writes to it (see sqlite/inspect.ts), so pointing
// Nightshift at someone else's database never changes that file. Which file to open (--db,
// NIGHTSHIFT_DB, NIGHTSHIFT_HOME) is decided by ../paths.ts (`resolveDataPaths`).
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeFileType } from '../regular-file.js';
import { asRollbackImage, BUSY_TIMEOUT_MS, openReadOnly } from './sqlite/connection.js';
import { NewerSchemaError, StoreOpenError } from './sqlite/errors.js';
import { classifyConnection, inspectDatabaseFile } from './sqlite/inspect.js';
import { migrate } from './sqlite/migrate.js';
import { LATEST_SCHEMA_VERSION } from './sqlite/migrations/index.js';
import { SqliteReader } from './sqlite/reader.js';
import { SqliteStore } from './sqlite/store.js';
import type { Store, StoreReader } from './types.js';

export { ForeignDatabaseError, isDiskFullError, NewerSchemaError, StoreOpenError, type ForeignKind } from './sqlite/errors.js';
export { LATEST_SCHEMA_VERSION } from './sqlite/migrations/index.js';
export { SqliteReader } from './sqlite/reader.js';
export { SqliteStore } from './sqlite/store.js';

export interface OpenStoreOptions {
  /** Source of timestamps (default: the system clock). */
  clock?: () => Date;
}

/**
 * A Nightshift database for reading only (viewing a colleague's file, `serve --readonly`): the file is
 * never written, an older schema is upgraded in memory only, and a read-only folder is fine.
 */
export function openStoreReader(file: string): SqliteReader {
  refuseNonFile(file);
  const found = inspectDatabaseFile(file);
  if (found.kind === 'nightshift' && found.version > LATEST_SCHEMA_VERSION) {
    throw new NewerSchemaError(file, found.version, LATEST_SCHEMA_VERSION);
  }
  if (found.kind !== 'nightshift') {
    throw new StoreOpenError(file, `${file}: ${found.kind === 'missing' ? 'does not exist' : 'holds no Nightshift data yet'}`);
  }
  let db = openReadOnly(file);
  if (found.version < LATEST_SCHEMA_VERSION) {
    // Upgrade a copy in memory: the file stays as it is, and the reader still sees the current schema.
    const copy = new Database(asRollbackImage(db.serialize()));
    db.close();
    db = copy;
    migrate(db, { file });
    db.pragma('query_only = ON');
  }
  return new SqliteReader(db, file);
}

/**
 * How long opening waits out other processes' locks in all. busy_timeout covers one lock request, but ten
 * engines started at once on a fresh file take the write lock in turn for their migrations and leases, and
 * on a loaded machine a waiter that polls can miss its turn for longer than that: a run must then open a
 * moment later, not fail with "database is locked".
 */
const OPEN_BUSY_WAIT_MS = 30_000;

/** A Nightshift database for a campaign: created when missing, migrated to the current schema. */
export function openStore(file: string, opts: OpenStoreOptions = {}): SqliteStore {
  const deadline = Date.now() + OPEN_BUSY_WAIT_MS;
  for (;;) {
    try {
      return openStoreOnce(file, opts);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw e;
      // Opening is synchronous (the CLI and the app open before anything else runs): a short blocking pause.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

function openStoreOnce(file: string, opts: OpenStoreOptions): SqliteStore {
  const clock = opts.clock ?? (() => new Date());
  refuseNonFile(file);
  // Before the read-only look, which would leave -wal and -shm files next to a WAL file it cannot write.
  if (existsSync(file)) requireWritable(file, true);
  const found = inspectDatabaseFile(file);
  if (found.kind === 'nightshift' && found.version > LATEST_SCHEMA_VERSION) {
    throw new NewerSchemaError(file, found.version, LATEST_SCHEMA_VERSION);
  }
  if (found.kind === 'missing') {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    requireWritable(file, false);
  }
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
    // SQLite's own default page cache (2 MB), not better-sqlite3's 16 MB: a campaign's connection stays open
    // all night and its cache grows with the database it reads, so an engine's RSS grew with the study
    // (+6 MiB over a 2,000-trial soak) for pages the OS page cache holds anyway. The engine's queries touch a
    // few pages each; whole-study reads (`show`, exports, the dashboard) took the same time either way on a
    // 5,000-trial study (50,000 value rows: 75-210 ms with both sizes on the build machine).
    db.pragma('cache_size = -2000');
    migrate(db, { file });
  } catch (e) {
    db.close();
    const code = (e as { code?: unknown }).code;
    // Permissions can change between the check and the open, and a file system can refuse writes the
    // permission bits allow; SQLite then opens read-only without a word and fails at the first write.
    if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) throw readOnlyError(file, (e as Error).message);
    throw e;
  }
  return new SqliteStore(db, { file, clock });
}

/**
 * SQLite opens whatever path it is given and puts its journal beside it: `--db /dev/null` created
 * `/dev/null-journal`, and a device reads as an empty database that would then be "initialized". Only a
 * regular file (or a path where one will be created) is a database.
 */
function refuseNonFile(file: string): void {
  if (file.trim() === '') throw new StoreOpenError(file, 'the database path is empty; give the path of a .db file');
  let st;
  try {
    st = statSync(file);
  } catch {
    return; // missing (created below) or unreadable: inspectDatabaseFile says which, with the reason
  }
  if (st.isDirectory()) throw new StoreOpenError(file, `${file}: is a folder, not a database file; give the path of a .db file`);
  if (!st.isFile()) throw new StoreOpenError(file, `${file}: is ${describeFileType(st)}, not a database file; give the path of a regular .db file`);
}

/**
 * A campaign writes the file and, in WAL mode, creates `-wal` and `-shm` files next to it: both the file
 * and its folder must be writable. Checked before SQLite opens it, which would otherwise fall back to a
 * read-only connection and fail at the first write with "attempt to write a readonly database".
 */
function requireWritable(file: string, exists: boolean): void {
  for (const target of exists ? [file, path.dirname(path.resolve(file))] : [path.dirname(path.resolve(file))]) {
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
      throw readOnlyError(file, `${target === file ? 'the file' : `its folder ${target}`} ${why}`);
    }
  }
}

function readOnlyError(file: string, why: string): StoreOpenError {
  return new StoreOpenError(
    file,
    `${file}: cannot write to this database (${why}); make it writable (chmod u+w, or remount), or pass --db with another file. To only look at it: nightshift ls/show --db ${file}`,
  );
}

export type { Store, StoreReader };

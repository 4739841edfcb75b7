// Looks at a database file before Nightshift writes to it. A user may pass `--db` a colleague's Optuna
// storage, a CSV, or a damaged copy; opening those for writing would switch them to WAL and add our
// tables, so the first look is at the raw header bytes and then through a READ-ONLY connection.
import type Database from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { openReadOnly } from './connection.js';
import { ForeignDatabaseError, NewerSchemaError, StoreOpenError } from './errors.js';
import { schemaVersion } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';

export type DatabaseFileState =
  /** No file: it will be created. */
  | { kind: 'missing' }
  /** A 0-byte file or an SQLite database without tables: safe to initialize. */
  | { kind: 'empty' }
  | { kind: 'nightshift'; version: number };

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Classifies `file` without modifying it; throws ForeignDatabaseError for anything not ours. */
export function inspectDatabaseFile(file: string): DatabaseFileState {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new StoreOpenError(file, `${file}: is a folder, not a database file`);
    size = st.size;
  } catch (e) {
    if (e instanceof StoreOpenError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new StoreOpenError(file, `${file}: cannot read the database file (${(e as Error).message})`);
  }
  if (size === 0) return { kind: 'empty' };
  const head = readHead(file, 4096);
  if (head.length < SQLITE_MAGIC.length || !head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw new ForeignDatabaseError(file, 'not-sqlite', `is not an SQLite database (it looks like ${describeBytes(head)})`);
  }
  let db: Database.Database;
  try {
    db = openReadOnly(file);
  } catch (e) {
    if (e instanceof StoreOpenError) throw e;
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new ForeignDatabaseError(file, 'corrupt', `is a damaged SQLite database (${(e as Error).message})`);
    }
    throw new StoreOpenError(file, `${file}: cannot open the database file (${(e as Error).message})`);
  }
  try {
    return classifyConnection(db, file);
  } finally {
    db.close();
  }
}

/** Classifies an open connection by what it can read; used again on the writable connection before any write. */
export function classifyConnection(db: Database.Database, file: string): DatabaseFileState {
  let tables: string[];
  try {
    tables = (
      db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new ForeignDatabaseError(file, 'corrupt', `is a damaged SQLite database (${(e as Error).message})`);
    }
    throw new StoreOpenError(file, `${file}: cannot read the database (${(e as Error).message})`);
  }
  if (tables.length === 0) return { kind: 'empty' };
  if (tables.includes('meta')) {
    const app = db.prepare(`SELECT value FROM meta WHERE key = 'app'`).get() as { value: unknown } | undefined;
    if (app?.value === 'nightshift') {
      const version = schemaVersion(db);
      // PRAGMA user_version mirrors the schema version (migrate.ts). A newer Nightshift (or a tool that
      // bumped only this) may have moved past what meta says: refuse the file rather than write to a schema
      // this build does not know.
      const userVersion = Number(db.pragma('user_version', { simple: true }));
      if (userVersion > LATEST_SCHEMA_VERSION) throw new NewerSchemaError(file, userVersion, LATEST_SCHEMA_VERSION);
      if (!Number.isSafeInteger(version) || version < 1) {
        throw new ForeignDatabaseError(file, 'corrupt', 'is a damaged Nightshift database (its schema version is missing)');
      }
      return { kind: 'nightshift', version };
    }
  }
  const has = (t: string) => tables.includes(t);
  if (has('studies') && has('trials') && (has('version_info') || has('alembic_version'))) {
    const version = optunaVersion(db);
    throw new ForeignDatabaseError(
      file,
      'optuna',
      `is an Optuna database${version === null ? '' : ` (Optuna ${version})`}, which this version of Nightshift cannot open yet`,
    );
  }
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', ...' : '');
  throw new ForeignDatabaseError(file, 'other-app', `is an SQLite database of another application (tables: ${shown})`);
}

function optunaVersion(db: Database.Database): string | null {
  try {
    const row = db.prepare('SELECT library_version FROM version_info LIMIT 1').get() as { library_version?: unknown } | undefined;
    return typeof row?.library_version === 'string' ? row.library_version : null;
  } catch {
    return null;
  }
}

function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function describeBytes(head: Buffer): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u0008\u000e-\u001f]/.test(text)) return 'a text file';
  } catch {
    // not UTF-8: binary
  }
  return 'binary data of another format';
}

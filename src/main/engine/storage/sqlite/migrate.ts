// Runs the numbered migrations. Each version is applied in its own IMMEDIATE transaction that also
// records the new version (meta.schema_version, mirrored in PRAGMA user_version for tools like the sqlite3
// shell). The version is re-read inside that transaction, so two processes opening the same fresh file at
// once apply each migration exactly once: the second waits on the write lock, then sees it is done.
import type Database from 'better-sqlite3';
import { NewerSchemaError } from './errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/** The schema version recorded in the database; 0 for a database Nightshift has not initialized. */
export function schemaVersion(db: Database.Database): number {
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'`).get();
  if (hasMeta === undefined) return 0;
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
  return row === undefined ? 0 : Number(row.value);
}

export interface MigrateOptions {
  /** The database's file, for error messages. */
  file: string;
  /** Stop after this version (tests build databases of each earlier version this way). */
  target?: number;
  /** The history to apply; tests pass a longer one to check that a failing step rolls back. */
  migrations?: readonly Migration[];
}

/** Brings the database to `target` (default: the latest version), one transaction per version. */
export function migrate(db: Database.Database, opts: MigrateOptions): number {
  const migrations = opts.migrations ?? MIGRATIONS;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const target = opts.target ?? latest;
  const found = schemaVersion(db);
  if (found > latest) throw new NewerSchemaError(opts.file, found, latest);
  for (const m of migrations) {
    if (m.version > target) break;
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      m.up(db);
      db.prepare(
        `INSERT INTO meta (key, value) VALUES ('schema_version', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ).run(String(m.version));
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}

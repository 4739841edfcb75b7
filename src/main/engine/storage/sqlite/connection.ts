// Read-only connections. SQLite reads a WAL-mode database through its -shm index, which it must create
// next to the file when it is missing; in a read-only folder (a mounted backup, a colleague's share, a
// chmod'ed directory) that fails with "unable to open database file". When no -wal file is there, the
// database file alone holds every committed transaction, so it is read into memory instead.
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { StoreOpenError } from './errors.js';

export const BUSY_TIMEOUT_MS = 5000;

/** Header bytes 18-19 say "WAL" (2) or rollback journal (1); an in-memory database can only use the latter. */
export function asRollbackImage(image: Buffer): Buffer {
  image[18] = 1;
  image[19] = 1;
  return image;
}

/**
 * A token that changes whenever the database may have changed: `data_version` moves when another connection
 * commits (another process, another Store on the file), `total_changes()` when this connection writes.
 * Reading it is one cheap statement, so callers can keep whole-study reads for as long as it stays the same.
 */
export function dataVersionOf(db: Database.Database): () => string {
  const stmt = db.prepare<[], string>(`SELECT (SELECT data_version FROM pragma_data_version()) || '.' || total_changes()`).pluck();
  return () => stmt.get()!;
}

/** A read-only, query-only connection to `file`, which is never modified (not even its -shm/-wal files). */
export function openReadOnly(file: string): Database.Database {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    // Opening is lazy: the first read is where a missing, uncreatable -shm shows.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    db.pragma('query_only = ON');
    return db;
  } catch (e) {
    db?.close();
    if ((e as { code?: unknown }).code !== 'SQLITE_CANTOPEN') throw e;
    const wal = `${file}-wal`;
    if (existsSync(wal) && statSync(wal).size > 0) {
      throw new StoreOpenError(
        file,
        `${file}: cannot be read in place: its folder is read-only and its write-ahead log (${wal}) holds transactions SQLite can only read with a -shm file next to it; copy the folder somewhere writable and open the copy`,
      );
    }
    const copy = new Database(asRollbackImage(readFileSync(file)));
    copy.pragma('query_only = ON');
    return copy;
  }
}

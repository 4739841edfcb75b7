// Errors a user causes by pointing Nightshift at the wrong file. Each message is one line that names the
// file, says what it seems to be and what to do, so the CLI can print it as is (exit code non-zero, no stack).

/** Base class: the database file cannot be opened as a Nightshift store. */
export class StoreOpenError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

export type ForeignKind = 'not-sqlite' | 'corrupt' | 'optuna' | 'other-app';

/** The file is not a Nightshift database. Nightshift never writes to such a file. */
export class ForeignDatabaseError extends StoreOpenError {
  constructor(
    file: string,
    readonly kind: ForeignKind,
    what: string,
  ) {
    super(file, `${file}: ${what}; Nightshift left it untouched, choose another database file`);
    this.name = 'ForeignDatabaseError';
  }
}

/** The database was written by a later Nightshift whose schema this build does not know. */
export class NewerSchemaError extends StoreOpenError {
  constructor(
    file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      file,
      `${file}: created by a newer Nightshift (schema version ${found}, this build knows up to ${known}); upgrade Nightshift to open it`,
    );
    this.name = 'NewerSchemaError';
  }
}

/** SQLite could not write because the disk (or the file system's quota) is full. */
export function isDiskFullError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'SQLITE_FULL';
}

// Pointing Nightshift at a file that is not its database must fail with one clear line and leave the
// file exactly as it was: same bytes, same modification time, no files added beside it.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ForeignDatabaseError,
  LATEST_SCHEMA_VERSION,
  NewerSchemaError,
  openStore,
  openStoreReader,
  StoreOpenError,
} from '../../../src/main/engine/storage/open.js';
import { tempDir } from './helpers.js';

/** Optuna's RDB schema (optuna/storages/_rdb/models.py), trimmed to the tables that identify it. */
const OPTUNA_SCHEMA = `
CREATE TABLE studies (study_id INTEGER NOT NULL PRIMARY KEY, study_name VARCHAR(512) NOT NULL UNIQUE);
CREATE TABLE version_info (version_info_id INTEGER NOT NULL PRIMARY KEY, schema_version INTEGER, library_version VARCHAR(256));
CREATE TABLE study_directions (study_direction_id INTEGER NOT NULL PRIMARY KEY, direction VARCHAR(8) NOT NULL, study_id INTEGER NOT NULL REFERENCES studies (study_id), objective INTEGER NOT NULL);
CREATE TABLE trials (trial_id INTEGER NOT NULL PRIMARY KEY, number INTEGER, study_id INTEGER REFERENCES studies (study_id), state VARCHAR(8) NOT NULL, datetime_start DATETIME, datetime_complete DATETIME);
CREATE TABLE trial_params (param_id INTEGER NOT NULL PRIMARY KEY, trial_id INTEGER REFERENCES trials (trial_id), param_name VARCHAR(512), param_value FLOAT, distribution_json TEXT);
CREATE TABLE trial_values (trial_value_id INTEGER NOT NULL PRIMARY KEY, trial_id INTEGER NOT NULL REFERENCES trials (trial_id), objective INTEGER NOT NULL, value FLOAT, value_type VARCHAR(7) NOT NULL);
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
INSERT INTO studies VALUES (1, 'resnet-sweep');
INSERT INTO version_info VALUES (1, 12, '4.2.1');
INSERT INTO alembic_version VALUES ('v3.2.0.a');
INSERT INTO trials VALUES (1, 0, 1, 'COMPLETE', '2025-01-01 10:00:00', '2025-01-01 10:05:00');
`;

describe('files that are not a Nightshift database', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir('nightshift-foreign-');
  });
  afterEach(() => tmp.cleanup());

  function sqliteFile(name: string, sql: string): string {
    const file = path.join(tmp.dir, name);
    const db = new Database(file);
    db.exec(sql);
    db.close();
    return file;
  }

  /** Opens `file` for writing and read-only; both must throw `expected`, touching nothing. */
  function expectRefused(file: string, expected: { error: new (...a: never[]) => Error; message: RegExp; kind?: string }): void {
    const bytes = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    const listing = readdirSync(tmp.dir).sort();
    for (const readonly of [false, true]) {
      let thrown: unknown;
      try {
        (readonly ? openStoreReader(file) : openStore(file)).close();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(expected.error);
      expect(thrown).toBeInstanceOf(StoreOpenError);
      const message = (thrown as Error).message;
      expect(message).toMatch(expected.message);
      expect(message).toContain(file);
      expect(message).not.toContain('\n');
      if (expected.kind !== undefined) expect((thrown as ForeignDatabaseError).kind).toBe(expected.kind);
    }
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readdirSync(tmp.dir).sort()).toEqual(listing);
  }

  it('refuses random bytes', () => {
    const file = path.join(tmp.dir, 'random.db');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0x00, 0x9c]), randomBytes(8192)]));
    expectRefused(file, { error: ForeignDatabaseError, kind: 'not-sqlite', message: /is not an SQLite database \(it looks like binary data/ });
  });

  it('refuses a text file', () => {
    const file = path.join(tmp.dir, 'results.csv');
    writeFileSync(file, 'trial,lr,val_accuracy\n0,0.01,0.91\n1,0.1,0.87\n');
    expectRefused(file, { error: ForeignDatabaseError, kind: 'not-sqlite', message: /is not an SQLite database \(it looks like a text file\)/ });
  });

  it('refuses a damaged SQLite database', () => {
    const good = sqliteFile('good.db', 'CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    const file = path.join(tmp.dir, 'damaged.db');
    const bytes = readFileSync(good);
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 100), randomBytes(bytes.length - 100)]));
    expectRefused(file, { error: ForeignDatabaseError, kind: 'corrupt', message: /is a damaged SQLite database/ });
  });

  it('refuses an Optuna database, saying so', () => {
    const file = sqliteFile('optuna.db', OPTUNA_SCHEMA);
    expectRefused(file, {
      error: ForeignDatabaseError,
      kind: 'optuna',
      message: /is an Optuna database \(Optuna 4\.2\.1\), which this version of Nightshift cannot open yet/,
    });
  });

  it('recognizes an Optuna database by alembic_version alone', () => {
    const file = sqliteFile('optuna-old.db', OPTUNA_SCHEMA.replace(/CREATE TABLE version_info[^;]*;|INSERT INTO version_info[^;]*;/g, ''));
    expectRefused(file, { error: ForeignDatabaseError, kind: 'optuna', message: /is an Optuna database, which/ });
  });

  it('refuses another application’s SQLite database, naming its tables', () => {
    const file = sqliteFile('notes.db', `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE meta (key TEXT, value TEXT);
      INSERT INTO meta VALUES ('app', 'notes-app');`);
    expectRefused(file, { error: ForeignDatabaseError, kind: 'other-app', message: /SQLite database of another application \(tables: meta, notes\)/ });
  });

  it('refuses a database from a newer Nightshift', () => {
    const file = path.join(tmp.dir, 'future.db');
    openStore(file).close();
    const future = LATEST_SCHEMA_VERSION + 5;
    const db = new Database(file);
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema_version'`).run(String(future));
    db.pragma(`user_version = ${future}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    expectRefused(file, {
      error: NewerSchemaError,
      message: new RegExp(`created by a newer Nightshift \\(schema version ${future}, this build knows up to ${LATEST_SCHEMA_VERSION}\\); upgrade`),
    });
  });

  it('refuses a folder', () => {
    const dir = path.join(tmp.dir, 'a-folder.db');
    mkdirSync(dir);
    expect(() => openStore(dir)).toThrow(/is a folder/);
  });

  it('initializes an SQLite database that has no tables yet', () => {
    const file = sqliteFile('blank.db', 'PRAGMA user_version = 0;');
    const store = openStore(file);
    expect(store.listStudies()).toEqual([]);
    store.close();
  });
});

// Upgrades: from nothing, from every earlier schema version (built here by applying only the first k
// migrations), and from the committed database of an early user. An upgraded database must end with
// exactly the schema a fresh one gets, with every row still readable through the Store.
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openStore, openStoreReader } from '../../../src/main/engine/storage/open.js';
import { migrate, schemaVersion } from '../../../src/main/engine/storage/sqlite/migrate.js';
import { MIGRATIONS, type Migration } from '../../../src/main/engine/storage/sqlite/migrations/index.js';
import { originText } from '../../../src/main/engine/storage/types.js';
import { seedV1, V1_STUDY } from '../../fixtures/db/make-v1.js';
import { tempDir } from './helpers.js';

const FIXTURE_V1 = path.resolve(import.meta.dirname, '../../fixtures/db/v1-user.db');

type Schema = { type: string; name: string; tbl_name: string; sql: string | null }[];
function schemaOf(db: Database.Database): Schema {
  return db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name').all() as Schema;
}
function freshSchema(target = LATEST_SCHEMA_VERSION): Schema {
  const db = new Database(':memory:');
  migrate(db, { file: ':memory:', target });
  const schema = schemaOf(db);
  db.close();
  return schema;
}
function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
function sound(db: Database.Database): void {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
}

/** Data each version adds, written with plain SQL as that version's store wrote it. */
const SEEDS: Record<number, (db: Database.Database) => void> = {
  1: seedV1,
  2: (db) => {
    const study = db.prepare('SELECT id FROM studies WHERE name = ?').get(V1_STUDY) as { id: number };
    db.prepare(`INSERT INTO sampler_state (study_id, name, state, updated_at) VALUES (?, 'sobol', '{"index":5}', '2025-11-03T08:00:00.000Z')`).run(study.id);
  },
  4: (db) => {
    // Every origin string versions 1-4 wrote, in a second study, finished (frozen) as most trials are.
    const spec = JSON.parse((db.prepare('SELECT spec FROM studies WHERE name = ?').get(V1_STUDY) as { spec: string }).spec) as { name: string };
    const study = Number(
      db.prepare(`INSERT INTO studies (name, spec, spec_hash, state, created_at) VALUES ('chains', ?, 'h4', 'finished', '2025-12-01T00:00:00.000Z')`)
        .run(JSON.stringify({ ...spec, name: 'chains' })).lastInsertRowid,
    );
    const trial = db.prepare(`INSERT INTO trials (study_id, number, state, budget, origin, retries, ended_at) VALUES (?, ?, 'complete', 1, ?, 0, '2025-12-01T01:00:00.000Z')`);
    OLD_ORIGINS.forEach((origin, n) => trial.run(study, n, origin));
  },
};

/** Origins as versions 1-4 wrote them, and the lineage each becomes (parent by number). */
const OLD_ORIGINS = ['sampler:gp', 'promote:0', 'retry:1', 'baseline', 'warm-start:last week', 'sensitivity:lr', 'enqueued', 'optuna', 'retry:42', 'promote:9', 'mystery'];
const NEW_LINEAGE = [
  { kind: 'sampler', parentNumber: null, detail: 'gp' },
  { kind: 'promote', parentNumber: 0, detail: null },
  { kind: 'retry', parentNumber: 1, detail: null },
  { kind: 'baseline', parentNumber: null, detail: null },
  { kind: 'warm-start', parentNumber: null, detail: 'last week' },
  { kind: 'sensitivity', parentNumber: null, detail: 'lr' },
  { kind: 'enqueued', parentNumber: null, detail: null },
  { kind: 'imported', parentNumber: null, detail: 'optuna' },
  // A number that names no earlier trial points nowhere; its text is kept.
  { kind: 'retry', parentNumber: null, detail: '42' },
  { kind: 'promote', parentNumber: null, detail: '9' },
  { kind: 'imported', parentNumber: null, detail: 'mystery' },
];

describe('migrations', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir('nightshift-migrate-');
  });
  afterEach(() => tmp.cleanup());

  it('is a contiguous history of at least two versions, each in its own file', () => {
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(2);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('initializes a new file to the latest version (meta table and user_version agree)', () => {
    const file = path.join(tmp.dir, 'new.db');
    openStore(file).close();
    withDb(file, (db) => {
      expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(schemaOf(db)).toEqual(freshSchema());
      sound(db);
    });
  });

  it('initializes a 0-byte file', () => {
    const file = path.join(tmp.dir, 'zero.db');
    writeFileSync(file, '');
    const store = openStore(file);
    expect(store.listStudies()).toEqual([]);
    store.close();
    withDb(file, (db) => expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION));
  });

  for (let k = 1; k < LATEST_SCHEMA_VERSION; k++) {
    it(`upgrades a version ${k} database with its data`, () => {
      const file = path.join(tmp.dir, `v${k}.db`);
      withDb(file, (db) => {
        db.pragma('journal_mode = WAL');
        // Each version's data is written by that version's schema, then the next migration runs over it.
        for (let v = 1; v <= k; v++) {
          migrate(db, { file, target: v });
          SEEDS[v]?.(db);
        }
        expect(schemaVersion(db)).toBe(k);
        expect(db.pragma('user_version', { simple: true })).toBe(k);
      });
      const store = openStore(file);
      try {
        const study = store.getStudy(V1_STUDY);
        expect(study?.objectives.map((o) => o.metric)).toEqual(['val_accuracy', 'energy_j']);
        expect(store.trials(study!.id).map((t) => t.state)).toEqual(['complete', 'pruned', 'failed', 'running', 'queued']);
        expect(store.samplerState(study!.id, 'sobol')).toEqual(k >= 2 ? { index: 5 } : null);
        if (k >= 4) {
          const chains = store.trials(store.getStudy('chains')!.id);
          expect(chains.map((t) => ({ kind: t.lineage.kind, parentNumber: t.lineage.parentNumber, detail: t.lineage.detail }))).toEqual(NEW_LINEAGE);
          expect(chains[2]!.lineage.parentId).toBe(chains[1]!.id);
          // The display text is the old one, and the trials are still frozen.
          expect(chains.map((t) => originText(t.lineage))).toEqual(OLD_ORIGINS);
          expect(() => store.db.prepare(`UPDATE trials SET reason = 'x' WHERE id = ?`).run(chains[0]!.id)).toThrow(/immutable trial/);
        }
        // The upgraded database takes new writes of the new version.
        store.enqueueTrial(study!.id, { params: { lr: 0.5 }, budget: null, lineage: { kind: 'enqueued' } }, { name: 'random', state: [1, 2] });
        expect(store.samplerState(study!.id, 'random')).toEqual([1, 2]);
        expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
        expect(schemaOf(store.db)).toEqual(freshSchema());
        sound(store.db);
      } finally {
        store.close();
      }
    });
  }

  it('rolls back a failing migration entirely and keeps the previous version', () => {
    const file = path.join(tmp.dir, 'broken.db');
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'broken',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER) STRICT');
        throw new Error('disk said no');
      },
    };
    withDb(file, (db) => {
      expect(() => migrate(db, { file, migrations: [...MIGRATIONS, broken] })).toThrow('disk said no');
      expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'half_done'`).get()).toBeUndefined();
    });
    openStore(file).close();
  });

  describe('the committed database of a v1 user', () => {
    it('is really version 1, and migration 001 still builds exactly its schema', () => {
      // Always a copy: even a read-only connection leaves -wal/-shm files beside a WAL database.
      const file = path.join(tmp.dir, 'old-user.db');
      copyFileSync(FIXTURE_V1, file);
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        expect(schemaVersion(db)).toBe(1);
        expect(db.pragma('user_version', { simple: true })).toBe(1);
        expect(schemaOf(db)).toEqual(freshSchema(1));
      } finally {
        db.close();
      }
    });

    it('upgrades to the latest version and keeps every trial, report and lease', () => {
      const original = readFileSync(FIXTURE_V1);
      const file = path.join(tmp.dir, 'old-user.db');
      copyFileSync(FIXTURE_V1, file);
      const store = openStore(file);
      try {
        const study = store.getStudy(V1_STUDY)!;
        expect(study).toMatchObject({ state: 'idle', stopReason: 'interrupted', specHash: 'v1hash', createdAt: '2025-11-02T21:00:00.120Z' });
        expect(study.spec.name).toBe(V1_STUDY);
        const trials = store.trials(study.id);
        expect(trials.map((t) => [t.number, t.state, t.reason])).toEqual([
          [0, 'complete', null],
          [1, 'pruned', 'median rule at step 2'],
          [2, 'failed', 'exit code 1: CUDA out of memory'],
          [3, 'running', null],
          [4, 'queued', null],
        ]);
        expect(trials[0]).toMatchObject({ lineage: { kind: 'baseline', parentId: null }, budget: null, values: { val_accuracy: 0.7, energy_j: 1520.25 }, metrics: { loss: 0.333 } });
        expect(trials.slice(1).map((t) => t.lineage)).toEqual(Array(4).fill({ kind: 'sampler', parentId: null, parentNumber: null, detail: 'random' }));
        expect(trials[1]?.params).toStrictEqual({ lr: 0.01, optimizer: 'sgd', nesterov: true });
        expect(trials[3]).toMatchObject({ owner: 'engine-old', pgid: 5003, heartbeatAt: '2025-11-02T21:00:05.120Z' });
        const failedReports = store.reports(trials[2]!.id);
        expect(failedReports.map((r) => r.step)).toEqual([0, 1, 2]);
        expect(failedReports[2]?.metrics.val_accuracy).toBeNaN();
        expect(store.counts(study.id)).toEqual({ queued: 1, running: 1, complete: 1, pruned: 1, failed: 1, stopped: 0 });
        expect(store.events(study.id).length).toBe(9);

        // Life goes on: the orphan is stopped, the queue drained, finished trials stay frozen.
        store.finishTrial(trials[3]!.id, { state: 'stopped', values: {}, metrics: {}, reason: 'engine died' });
        expect(store.claimQueued(study.id, 'engine-new')?.number).toBe(4);
        expect(() => store.addReport(trials[0]!.id, 9, { loss: 0 })).toThrow(/can no longer change/);
        expect(schemaOf(store.db)).toEqual(freshSchema());
        sound(store.db);
      } finally {
        store.close();
      }
      expect(readFileSync(FIXTURE_V1).equals(original)).toBe(true);
    });

    it('opens read-only by upgrading a copy in memory, leaving the file as it is', () => {
      const file = path.join(tmp.dir, 'old-user.db');
      copyFileSync(FIXTURE_V1, file);
      const before = readFileSync(file);
      const store = openStoreReader(file);
      try {
        const study = store.getStudy(V1_STUDY)!;
        expect(store.trials(study.id)).toHaveLength(5);
        // Fields added to the spec after schema v1 read with the defaults a study file without them gets.
        expect(study.spec.warm_start).toBeNull();
        expect(study.spec.resources.allow_busy_gpus).toBe(false);
        expect(() => store.db.exec(`UPDATE studies SET state = 'finished'`)).toThrow();
      } finally {
        store.close();
      }
      expect(readFileSync(file).equals(before)).toBe(true);
      withDb(file, (db) => expect(schemaVersion(db)).toBe(1));
    });
  });
});

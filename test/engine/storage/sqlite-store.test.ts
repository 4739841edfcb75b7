// The SQLite store on real files: the shared contract, plus what only SQLite has (pragmas, STRICT
// tables, database-level immutability, read-only opening).
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStoreReader, type SqliteStore } from '../../../src/main/engine/storage/open.js';
import { makeSpec, tempDir } from './helpers.js';
import { storeContract } from './store-contract.js';
import { storeReaderContract, writeReaderFixture } from './store-reader-contract.js';

function integrityProblems(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const fk = (db.pragma('foreign_key_check') as unknown[]).map((r) => `foreign key: ${JSON.stringify(r)}`);
    return [...integrity.filter((r) => r !== 'ok'), ...fk];
  } finally {
    db.close();
  }
}

storeContract('SQLite file', () => {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'nightshift.db');
  const store = openStore(file);
  return {
    store,
    openAgain: () => openStore(file),
    integrityProblems: () => integrityProblems(file),
    dispose: () => {
      store.close();
      tmp.cleanup();
    },
  };
});

storeReaderContract('SQLite file opened read-only', () => {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'nightshift.db');
  const writer = openStore(file);
  writeReaderFixture(writer);
  writer.close();
  const reader = openStoreReader(file);
  return {
    reader,
    file,
    provenance: true,
    parents: true,
    finalists: true,
    dispose: () => {
      reader.close();
      tmp.cleanup();
    },
  };
});

describe('SQLite store specifics', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  let store: SqliteStore;
  beforeEach(() => {
    tmp = tempDir();
    file = path.join(tmp.dir, 'deep', 'er', 'nightshift.db');
    store = openStore(file);
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it('creates parent folders and sets WAL, busy timeout, foreign keys and synchronous=FULL (durable across a power loss)', () => {
    expect(existsSync(file)).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('uses STRICT tables only', () => {
    const tables = (store.db.pragma('table_list') as { schema: string; name: string; strict: number }[]).filter(
      (t) => t.schema === 'main' && !t.name.startsWith('sqlite_'),
    );
    expect(tables.map((t) => t.name).sort()).toEqual(
      ['events', 'finalist_runs', 'gpu_samples', 'meta', 'reports', 'sampler_state', 'studies', 'study_objectives', 'trial_params', 'trial_provenance', 'trial_values', 'trials'].sort(),
    );
    for (const t of tables) expect([t.name, t.strict]).toEqual([t.name, 1]);
  });

  it('stores objectives and params in their own typed columns', () => {
    const s = store.createStudy(makeSpec('m', [{ metric: 'a', direction: 'minimize' }, { metric: 'b', direction: 'maximize' }]), 'h').study;
    const tr = store.enqueueTrial(s.id, { params: { n: 3, on: true, opt: 'sgd' }, budget: null, lineage: { kind: 'enqueued' } });
    expect(store.db.prepare('SELECT idx, metric, direction FROM study_objectives WHERE study_id = ? ORDER BY idx').all(s.id)).toEqual([
      { idx: 0, metric: 'a', direction: 'minimize' },
      { idx: 1, metric: 'b', direction: 'maximize' },
    ]);
    expect(store.db.prepare('SELECT name, kind, value_num, value_text FROM trial_params WHERE trial_id = ? ORDER BY name').all(tr.id)).toEqual([
      { name: 'n', kind: 'number', value_num: 3, value_text: null },
      { name: 'on', kind: 'boolean', value_num: 1, value_text: null },
      { name: 'opt', kind: 'string', value_num: null, value_text: 'sgd' },
    ]);
  });

  it('freezes finished trials in the database itself, not only in the store', () => {
    const s = store.createStudy(makeSpec('m'), 'h').study;
    store.enqueueTrial(s.id, { params: { lr: 1 }, budget: null, lineage: { kind: 'enqueued' } });
    const tr = store.claimQueued(s.id, 'e')!;
    store.addReport(tr.id, 0, { loss: 1 });
    store.finishTrial(tr.id, { state: 'complete', values: { val_accuracy: 1 }, metrics: {}, reason: null });
    const raw = new Database(file);
    try {
      for (const sql of [
        `UPDATE trials SET state = 'running' WHERE id = ${tr.id}`,
        `INSERT INTO reports (trial_id, step, metric, value, at) VALUES (${tr.id}, 9, 'loss', 0, 'x')`,
        `UPDATE reports SET value = 0 WHERE trial_id = ${tr.id}`,
        `INSERT INTO trial_values (trial_id, metric, kind, value) VALUES (${tr.id}, 'x', 'metric', 1)`,
        `UPDATE trial_values SET value = 0 WHERE trial_id = ${tr.id}`,
        `INSERT INTO trial_params (trial_id, name, kind, value_num) VALUES (${tr.id}, 'x', 'number', 1)`,
        `UPDATE trial_params SET value_num = 0 WHERE trial_id = ${tr.id}`,
      ]) {
        expect(() => raw.exec(sql), sql).toThrow(/immutable trial/);
      }
    } finally {
      raw.close();
    }
  });

  it('uses the injected clock for timestamps', () => {
    store.close();
    let now = Date.parse('2030-01-02T03:04:05.678Z');
    store = openStore(file, { clock: () => new Date(now) });
    const s = store.createStudy(makeSpec('m'), 'h').study;
    expect(s.createdAt).toBe('2030-01-02T03:04:05.678Z');
    store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
    const tr = store.claimQueued(s.id, 'e')!;
    now += 90_000;
    store.heartbeat('e');
    expect(store.getTrial(tr.id)?.heartbeatAt).toBe('2030-01-02T03:05:35.678Z');
  });

  it('opens a reader without writing the file; it has no write method and its connection refuses writes', () => {
    const s = store.createStudy(makeSpec('m'), 'h').study;
    store.enqueueTrial(s.id, { params: { lr: 0.5 }, budget: null, lineage: { kind: 'enqueued' } });
    store.close();
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    const ro = openStoreReader(file);
    try {
      expect(ro.trials(s.id).map((t) => t.params)).toEqual([{ lr: 0.5 }]);
      expect('enqueueTrial' in ro).toBe(false);
      expect(() => ro.db.exec(`DELETE FROM trials`)).toThrow();
      expect(ro.counts(s.id).queued).toBe(1);
    } finally {
      ro.close();
    }
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(() => openStoreReader(path.join(tmp.dir, 'missing.db'))).toThrow(/does not exist/);
    expect(existsSync(path.join(tmp.dir, 'missing.db'))).toBe(false);
  });
});

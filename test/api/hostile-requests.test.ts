// The API answers hostile requests without harm: a read-only server stays read-only, a path that is not a
// regular file is refused at once, and names read back from a crafted database never reach outside the
// data folder. Real router, real SQLite files, real FIFOs and devices.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { tempDir } from '../helpers/cli.js';
import { testSpec } from '../helpers/spec.js';
import { writeStudy } from './helpers.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

async function error(router: ApiRouter, method: ApiMethod, req: unknown) {
  const r = await router.handle(method, req);
  if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
  return r.error;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('serve --readonly stays read-only for every method', () => {
  const fx = writeStudy({ name: 'ro', trials: 2, delayMs: 1 });
  const seed = openStore(fx.db);
  const study = seed.createStudy(testSpec({ name: 'ro', search_space: { x: { type: 'float', low: 0, high: 1, log: false, step: null, when: null } } }), 'h').study;
  seed.enqueueTrial(study.id, { params: { x: 0.5 }, budget: null, lineage: { kind: 'enqueued' } });
  seed.close();
  const before = sha(fx.db);
  const router = new ApiRouter({ db: fx.db, readonly: true });
  afterAll(() => router.close());

  it('refuses db.open of any file writable, and opens read-only when the request does not say', async () => {
    const reopen = await error(router, 'db.open', { file: fx.db, readonly: false });
    expect(reopen.code).toBe('readonly');
    expect(reopen.message).toMatch(/--readonly/);
    const other = path.join(tempDir(), 'fresh.db');
    expect((await error(router, 'db.open', { file: other, readonly: false })).code).toBe('readonly');
    expect(existsSync(other)).toBe(false);
    expect(await call(router, 'db.open', { file: fx.db })).toMatchObject({ file: fx.db, readonly: true });
    expect(await call(router, 'db.info', {})).toMatchObject({ readonly: true });
  });

  it('refuses every method that writes, and the file never changes', async () => {
    expect((await error(router, 'trial.enqueue', { study: 'ro', params: { x: 0.1 } })).code).toBe('readonly');
    expect((await error(router, 'campaign.start', { study: 'ro' })).code).toBe('readonly');
    expect((await error(router, 'campaign.start', { file: fx.file })).code).toBe('readonly');
    expect((await error(router, 'campaign.stop', { study: 'ro' })).code).toBe('readonly');
    expect((await error(router, 'campaign.pause', { study: 'ro' })).code).toBe('readonly');
    expect((await error(router, 'trial.stop', { study: 'ro', number: 0 })).code).toBe('readonly');
    expect((await call(router, 'studies.list', {})).map((s) => s.name)).toEqual(['ro']);
    expect(sha(fx.db)).toBe(before);
  });
});

describe('paths that are not regular files', () => {
  const fx = writeStudy({ name: 'files', trials: 1, delayMs: 1 });
  const router = new ApiRouter({ db: fx.db });
  afterAll(() => router.close());
  const fifo = path.join(fx.dir, 'pipe.yaml');
  execFileSync('mkfifo', [fifo]);

  it('campaign.start refuses /dev/zero and a FIFO at once, naming the file', async () => {
    const zero = await error(router, 'campaign.start', { file: '/dev/zero' });
    expect(zero.code).toBe('invalid_study');
    expect(zero.message).toMatch(/\/dev\/zero.*character device, not a regular file/);
    const pipe = await error(router, 'campaign.start', { file: fifo });
    expect(pipe.message).toMatch(/pipe\.yaml.*FIFO/);
    expect(await call(router, 'studies.list', {})).toEqual([]);
  });

  it('db.open refuses devices and FIFOs with a 400-class error and creates nothing beside them', async () => {
    for (const file of ['/dev/zero', fifo]) {
      const e = await error(router, 'db.open', { file });
      expect(e.code).toBe('invalid_request');
      expect(e.message).toMatch(/not a database file/);
    }
    expect(existsSync(`${fifo}-journal`) || existsSync(`${fifo}-wal`)).toBe(false);
    // Still on the first database.
    expect((await call(router, 'db.info', {})).file).toBe(fx.db);
  });
});

describe('names read back from a crafted database', () => {
  // The data folder is <root>/data; a study named "../.." would put trial 0 at <root>/trials/0.
  const root = tempDir();
  const data = path.join(root, 'data');
  mkdirSync(data);
  const db = path.join(data, 'crafted.db');
  const store = openStore(db);
  const s = store.createStudy(testSpec({ name: 'victim', trainer: { kind: 'command', command: ['node', '-e', '0'], cwd: root, env: {}, timeout_s: null } }), 'h').study;
  store.enqueueTrial(s.id, { params: { lr: 0.01 }, budget: null, lineage: { kind: 'enqueued' } });
  store.close();
  const raw = new Database(db);
  raw.prepare(`UPDATE studies SET name = '../..', spec = json_set(spec, '$.name', '../..') WHERE id = ?`).run(s.id);
  raw.close();
  const outside = path.join(root, 'trials', '0');
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(outside, 'stdout.log'), 'SECRET outside the data folder\n');
  writeFileSync(path.join(outside, 'command.json'), JSON.stringify({ argv: ['secret'], cwd: '/' }));
  const router = new ApiRouter({ db });
  afterAll(() => router.close());

  it('trial.detail shows no logs rather than reading outside the data folder', async () => {
    const d = await call(router, 'trial.detail', { study: '../..', number: 0 });
    expect(d.logs).toEqual({ stdout: '', stderr: '' });
    expect(d.command).toBeNull();
    expect(d.trial.params).toEqual({ lr: 0.01 });
  });

  it('campaign.start by name refuses the study before any trial folder is made', async () => {
    const e = await error(router, 'campaign.start', { study: '../..' });
    expect(e.code).toBe('invalid_request');
    expect(e.message).toMatch(/cannot name a folder/);
    expect(existsSync(path.join(root, 'trials', '0', 'params.json'))).toBe(false);
    expect((await call(router, 'studies.list', {})).map((x) => x.name)).toEqual(['../..']);
  });
});

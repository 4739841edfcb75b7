// A database that cannot be written (a read-only file, a folder on a read-only mount, a chmod'ed share):
// `run` says so in one line and exits 2 (bad input), naming the file and the fix, instead of a stack
// trace; `ls` and `show` read a WAL database there although SQLite cannot create its -shm file.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/engine/storage/open.js';
import type { StudyListEntry, StudyShowJson } from '../../src/shared/types.js';
import { makeSpec } from '../engine/storage/helpers.js';
import { cliEnv, tempDir } from '../helpers/cli.js';
import { readOnlyUnavailable, runCliReadOnly } from '../helpers/read-only.js';

const unavailable = readOnlyUnavailable();
const STUDY = `name: ro-study
trainer:
  command: [python3, -c, "pass"]
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
budget: {trials: 1}
`;

/** A folder holding a closed WAL-mode database with one complete trial, and nothing else. */
function walDatabase(): { dir: string; db: string } {
  const dir = path.join(tempDir('nightshift-ro-'), 'shared');
  mkdirSync(dir);
  const db = path.join(dir, 'nightshift.db');
  const store = openStore(db);
  const { study } = store.createStudy(makeSpec('mlp'), 'h');
  store.enqueueTrial(study.id, { params: { lr: 0.01, optimizer: 'adam' }, budget: null, lineage: { kind: 'enqueued' } });
  const t = store.claimQueued(study.id, 'test')!;
  store.finishTrial(t.id, { state: 'complete', values: { val_accuracy: 0.93 }, metrics: { duration_s: 2 }, reason: null });
  store.close();
  return { dir, db };
}

const contents = (dir: string) => readdirSync(dir).map((f) => `${f} ${createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex')}`);

describe.skipIf(unavailable !== null)(`a database that cannot be written${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let study: string;
  beforeEach(() => {
    home = tempDir();
    env = cliEnv(home);
    study = path.join(home, 'study.yaml');
    writeFileSync(study, STUDY);
  });

  it('is listed and shown from a read-only folder, although it is in WAL mode, and left as it was', async () => {
    const { dir, db } = walDatabase();
    // Closed cleanly: the file is marked WAL (header byte 18) and has no -wal or -shm next to it.
    expect(readFileSync(db)[18]).toBe(2);
    const before = contents(dir);
    expect(before).toHaveLength(1);

    const ls = await runCliReadOnly([dir], ['ls', '--db', db, '--json'], { env });
    expect(ls.code, ls.stderr).toBe(0);
    expect((JSON.parse(ls.stdout) as StudyListEntry[]).map((s) => [s.name, s.counts.complete])).toEqual([['mlp', 1]]);
    const show = await runCliReadOnly([dir], ['show', 'mlp', '--db', db, '--json'], { env });
    expect(show.code, show.stderr).toBe(0);
    expect((JSON.parse(show.stdout) as StudyShowJson).best.map((t) => t.values)).toEqual([{ val_accuracy: 0.93 }]);
    expect(contents(dir)).toEqual(before);
  });

  it('refuses `run` in one line, exit code 2, naming the file and the fix, when its folder is read-only', async () => {
    const { dir, db } = walDatabase();
    const before = contents(dir);
    const r = await runCliReadOnly([dir], ['run', study, '--db', db], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(db);
    expect(r.stderr).toMatch(/read-only file system|not writable/);
    expect(r.stderr).toMatch(/make it writable.*or pass --db/);
    expect(r.stderr).not.toMatch(/attempt to write|\n\s+at /);
    expect(contents(dir)).toEqual(before);
  });

  it('refuses `run` the same way when only the database file is read-only', async () => {
    const { dir, db } = walDatabase();
    const r = await runCliReadOnly([db], ['run', study, '--db', db], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${db}: cannot write to this database (the file`);
    expect(readdirSync(dir)).toEqual(['nightshift.db']);
  });
});

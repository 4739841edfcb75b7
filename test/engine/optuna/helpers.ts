// Real Optuna databases for the tests, written by Debian's python3-optuna (test/fixtures/optuna).
// Writing one takes Optuna a few seconds, so each version of the script runs once per machine: its
// output is kept in the temp dir (keyed by the script's hash) and every test gets a fresh copy of it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, tempDir } from '../../helpers/cli.js';

export interface OptunaTruth {
  optuna_version: string;
  single: {
    best_value: number;
    best_number: number;
    best_params: Record<string, number | string>;
    states: Record<string, number>;
    intermediate: Record<string, Record<string, number>>;
  };
  multi: { best_trials: { number: number; values: number[]; params: Record<string, number | string> }[]; states: Record<string, number> };
  partial: { best_value: number; states: Record<string, number> };
}

const SCRIPT = path.join(ROOT, 'test/fixtures/optuna/make_optuna_db.py');

/** Creates an Optuna storage in a temp dir; returns its path and what Optuna itself reported about it. */
export function makeOptunaDb(): { file: string; truth: OptunaTruth } {
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 16);
  const cache = path.join(os.tmpdir(), 'nightshift-optuna-fixture');
  const cachedDb = path.join(cache, `${hash}.db`);
  const cachedTruth = path.join(cache, `${hash}.json`);
  if (!existsSync(cachedTruth)) {
    mkdirSync(cache, { recursive: true });
    const tmp = path.join(tempDir('nightshift-optuna-'), 'optuna.db');
    const out = execFileSync('/usr/bin/python3', [SCRIPT, tmp], { encoding: 'utf8' });
    // Rename is atomic: test files running in parallel see either no cache or a complete one.
    copyFileSync(tmp, `${cachedDb}.${process.pid}`);
    renameSync(`${cachedDb}.${process.pid}`, cachedDb);
    writeFileSync(`${cachedTruth}.${process.pid}`, out);
    renameSync(`${cachedTruth}.${process.pid}`, cachedTruth);
  }
  const file = path.join(tempDir('nightshift-optuna-'), 'optuna.db');
  copyFileSync(cachedDb, file);
  return { file, truth: JSON.parse(readFileSync(cachedTruth, 'utf8')) as OptunaTruth };
}

/** Content hash and mtime: both must be unchanged after Nightshift has read a foreign file. */
export function fingerprint(file: string): { sha256: string; mtimeMs: number; size: number } {
  const st = statSync(file);
  return { sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), mtimeMs: st.mtimeMs, size: st.size };
}

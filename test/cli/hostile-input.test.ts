// `nightshift` given paths that are not what they seem: devices, FIFOs, an empty --db, a database from a
// newer Nightshift. Each ends at once with exit code 2 and one line naming the input and the fix, and
// nothing is read without bound, created beside a device, or written to a file it must not change.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openStore } from '../../src/main/engine/storage/open.js';
import { cliEnv, collect, runCli, startCli, tempDir, type CliResult } from '../helpers/cli.js';
import { testSpec } from '../helpers/spec.js';
import { writeStudy } from '../api/helpers.js';

/** Runs the CLI, killing it after `ms`: before the fix `/dev/zero` grew it by ~1 GB a second and a FIFO hung. */
async function runBounded(args: string[], env: NodeJS.ProcessEnv, ms = 30_000): Promise<CliResult> {
  const child = startCli(args, { env });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  try {
    return await collect(child);
  } finally {
    clearTimeout(timer);
  }
}

function expectOneLine(r: CliResult, pattern: RegExp): void {
  expect(r.signal, 'killed: the CLI did not answer in time').toBeNull();
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('study paths that are not regular files', () => {
  const home = tempDir();
  const env = cliEnv(home);
  const db = path.join(home, 'never.db');

  it('run /dev/zero is refused at once, naming the file and what to give instead', async () => {
    const r = await runBounded(['run', '/dev/zero', '--db', db], env);
    expectOneLine(r, /\/dev\/zero.*is a character device, not a regular file; give the path of a \.yaml or \.json study file/);
    expect(existsSync(db)).toBe(false);
  });

  it('run on a FIFO does not wait for a writer', async () => {
    const fifo = path.join(home, 'study.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await runBounded(['run', fifo, '--db', db], env);
    expectOneLine(r, /study\.yaml.*is a FIFO \(named pipe\), not a regular file/);
  });
});

describe('--db that is not a database file', () => {
  const fx = writeStudy({ name: 'dbcheck', trials: 1, delayMs: 1 });
  const home = tempDir();
  const env = cliEnv(home);

  it('--db /dev/null (and /dev/zero) is refused before SQLite puts a journal beside it', async () => {
    for (const dev of ['/dev/null', '/dev/zero']) {
      // /dev is shared with every other process here: only a file this run would have made counts.
      const junk = [`${dev}-journal`, `${dev}-wal`].filter((f) => !existsSync(f));
      const r = await runBounded(['run', fx.file, '--db', dev], env);
      expectOneLine(r, new RegExp(`${dev}: is a character device, not a database file; give the path of a regular \\.db file`));
      for (const f of junk) expect(existsSync(f), f).toBe(false);
    }
    const ls = await runBounded(['ls', '--db', '/dev/zero'], env);
    expectOneLine(ls, /\/dev\/zero: is a character device, not a database file/);
  });

  it('--db "" is refused instead of silently using the home database', async () => {
    for (const args of [['run', fx.file, '--db', ''], ['ls', '--db', ''], ['serve', '--db', '', '--port', '0']]) {
      const r = await runBounded(args, env);
      expectOneLine(r, /--db is empty; give the path of a database file/);
    }
    expect(existsSync(path.join(home, 'nightshift.db'))).toBe(false);
  });
});

describe('a database from a newer Nightshift (PRAGMA user_version)', () => {
  const dir = tempDir();
  const db = path.join(dir, 'newer.db');
  const store = openStore(db);
  store.createStudy(testSpec({ name: 'future' }), 'h');
  store.close();
  // What a later build would leave: the schema marker ahead of this build's, meta untouched.
  const raw = new Database(db);
  raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
  raw.close();
  const before = sha(db);
  const env = cliEnv(tempDir());
  const fx = writeStudy({ name: 'future', trials: 1, delayMs: 1 });

  it.each([
    ['ls', ['ls', '--db', db]],
    ['show', ['show', 'future', '--db', db]],
    ['run', ['run', fx.file, '--db', db]],
  ])('%s refuses it with a clear line and leaves it unmodified', async (_name, args) => {
    const r = await runCli(args, { env });
    expectOneLine(r, new RegExp(`newer\\.db: created by a newer Nightshift \\(schema version ${LATEST_SCHEMA_VERSION + 1}, this build knows up to ${LATEST_SCHEMA_VERSION}\\); upgrade Nightshift`));
    expect(sha(db)).toBe(before);
  });
});

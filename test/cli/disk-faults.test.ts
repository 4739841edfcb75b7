// Disk faults over a night, through the real `nightshift run`: a trial folder that cannot be made (`studies`
// is a file, or its disk is full) fails that trial with the reason instead of crashing the engine; a disk
// that fills up mid-run is waited out (the run goes on in the same process once space is freed; with no wait
// allowed it ends with one clear line, not a storm of warnings and a stack trace); the free-space guard stops
// starting trials, waits for space and starts them again; checkpoint retention keeps only what can still be used.
// The full-disk cases mount a real small tmpfs, so they need root; the others run anywhere.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, collect, ROOT, runCli, startCli, tempDir } from '../helpers/cli.js';

const FILL = path.join(ROOT, 'test/fixtures/trials/fill-disk.py');
const isRoot = process.getuid?.() === 0;

function study(dir: string, o: { env?: Record<string, string>; extra?: string; budget?: number; parallel?: number; command?: string[] }): string {
  const file = path.join(dir, 'disk.yaml');
  writeFileSync(
    file,
    `name: disk
trainer:
  command: ${JSON.stringify(o.command ?? ['/usr/bin/python3', FILL])}
  env: ${JSON.stringify(o.env ?? {})}
  kill_grace: 1s
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
sampler: {type: random}
budget: {trials: ${o.budget ?? 2}}
resources: {parallel: ${o.parallel ?? 1}${o.extra ? `, ${o.extra}` : ''}}
seed: 11
`,
  );
  return file;
}

type Show = { state: string; stop_reason: string | null; counts: Record<string, number>; disk: { bytes: number; checkpoint_bytes: number } };

async function run(dir: string, file: string) {
  const r = await runCli(['run', file, '--db', path.join(dir, 'disk.db'), '--json'], { env: cliEnv(dir) });
  return { ...r, show: r.stdout ? (JSON.parse(r.stdout) as Show) : null };
}

function trialsOf(dir: string): { number: number; state: string; reason: string | null }[] {
  const db = new Database(path.join(dir, 'disk.db'), { readonly: true });
  try {
    return db.prepare('SELECT number, state, reason FROM trials ORDER BY number').all() as { number: number; state: string; reason: string | null }[];
  } finally {
    db.close();
  }
}

/** A tmpfs of `size` on `dir` for the duration of `fn`. */
async function withTmpfs(dir: string, size: string, fn: () => Promise<void>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  try {
    await fn();
  } finally {
    execFileSync('umount', ['-l', dir]);
  }
}

/** Resolves once `cond` holds (polled); a marker the engine or a trial leaves, never a fixed sleep. */
async function until(cond: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Fills the file system of `file` to the last page; returns nothing, the file is removed to free it. */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 16, 4096, 512]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** A trial folder that cannot be made fails its trial once, with the reason: no crash, no re-queue on rerun. */
async function expectFolderFailures(dir: string, file: string, reason: RegExp): Promise<void> {
  const first = await run(dir, file);
  expect(first.stderr).not.toMatch(/internal error|at .*\.mjs:\d+/);
  expect(first.code, first.stderr).toBe(0);
  expect(first.show!.counts).toMatchObject({ failed: 2, running: 0, queued: 0 });
  for (const t of trialsOf(dir)) expect(t.reason).toMatch(reason);
  const again = await run(dir, file);
  expect(again.code, again.stderr).toBe(0);
  expect(trialsOf(dir)).toHaveLength(2);
}

describe('trial folder errors', () => {
  it('fail the trial with the reason when `studies` is a file', async () => {
    const dir = tempDir('nightshift-disk-');
    writeFileSync(path.join(dir, 'studies'), 'not a folder');
    await expectFolderFailures(dir, study(dir, {}), /^could not prepare the trial folder .*studies.*: (ENOTDIR|EEXIST)/);
  });

  it.skipIf(!isRoot)('fail the trial with the reason when the trial folders’ disk is full', async () => {
    const dir = tempDir('nightshift-disk-');
    await withTmpfs(path.join(dir, 'studies'), '256k', async () => {
      // Fill it up entirely; the database lives beside it, on a disk with room.
      try {
        writeFileSync(path.join(dir, 'studies', 'filler'), Buffer.alloc(512 * 1024));
      } catch {
        // ENOSPC once full: that is the point.
      }
      await expectFolderFailures(dir, study(dir, { extra: 'min_free_disk: 0' }), /^could not prepare the trial folder .*: ENOSPC/);
    });
  });

  it.skipIf(!isRoot)('a database disk that fills up mid-run, with no wait allowed, ends the run with one line; the next run finishes the study', async () => {
    const dir = tempDir('nightshift-disk-');
    const disk = path.join(dir, 'small');
    await withTmpfs(disk, '3m', async () => {
      const file = study(disk, { env: { REPORTS: '200' }, extra: 'min_free_disk: 0, disk_full_wait: 0' });
      const r = await run(disk, file);
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stderr.trim().split('\n');
      // At most one warning about reports it could not store, then the one line that says what to do.
      expect(lines.filter((l) => /report not stored/.test(l)).length).toBeLessThanOrEqual(1);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(lines.at(-1)).toMatch(/^nightshift run: the disk holding the database is full .*free some space and run the same command again/);
      // Free the space the trial took and run again with trials that fit.
      for (const n of readdirSync(path.join(disk, 'studies', 'disk', 'trials'))) rmSync(path.join(disk, 'studies', 'disk', 'trials', n, 'checkpoint'), { recursive: true, force: true });
      study(disk, { env: { REPORTS: '2', FILL_BYTES: '1000' }, extra: 'min_free_disk: 0, disk_full_wait: 0' });
      const again = await run(disk, file);
      expect(again.code, again.stderr).toBe(0);
      expect(again.show!.counts).toMatchObject({ complete: 2, running: 0 });
    });
  });
});

describe('free-space guard', () => {
  it('starts no trial below resources.min_free_disk and says why (exit 1)', async () => {
    const dir = tempDir('nightshift-disk-');
    const r = await run(dir, study(dir, { extra: 'min_free_disk: 1000000TB, disk_full_wait: 0' }));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^nightshift run: study "disk" stopped: disk nearly full: .* free where trial folders are kept .*below resources\.min_free_disk \(1000000 TB\)/);
    expect(r.show).toMatchObject({ state: 'idle', counts: { complete: 0, running: 0, queued: 0 } });
    expect(r.show!.stop_reason).toMatch(/min_free_disk/);
    const db = new Database(path.join(dir, 'disk.db'), { readonly: true });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = 'disk.low'`).get()).toEqual({ n: 1 });
    db.close();
  });

  it.skipIf(!isRoot)('lets running trials finish when free space drops below it, then stops', async () => {
    const dir = tempDir('nightshift-disk-');
    await withTmpfs(path.join(dir, 'studies'), '16m', async () => {
      // Two trials run together with 16 MB free; each writes 6 MB; 4 MB left is below the 8 MB guard. The
      // barrier keeps the first from finishing before the second has written: otherwise, on a loaded host, a
      // third trial could start while the second had not yet written and still find 10 MB free.
      const barrier = path.join(dir, 'barrier');
      mkdirSync(barrier);
      const file = study(dir, { env: { FILL_BYTES: String(6 * 2 ** 20), BARRIER_DIR: barrier, BARRIER_COUNT: '2' }, extra: 'min_free_disk: 8MiB, disk_full_wait: 0', budget: 5, parallel: 2 });
      writeFileSync(file, `${readFileSync(file, 'utf8')}checkpoints: {keep_best: 5}\n`);
      const r = await run(dir, file);
      expect(r.code, r.stderr).toBe(1);
      expect(r.show).toMatchObject({ state: 'idle', counts: { complete: 2, running: 0, queued: 0, failed: 0 } });
      expect(r.show!.stop_reason).toMatch(/^disk nearly full: .*below resources\.min_free_disk \(8\.4 MB\)/);
    });
  });
});

describe('waiting for disk space', () => {
  it.skipIf(!isRoot)('the database’s disk full mid-run: the run waits, then finishes in the same process with every report', async () => {
    const dir = tempDir('nightshift-disk-');
    const disk = path.join(dir, 'small');
    const barrier = path.join(dir, 'barrier');
    mkdirSync(barrier);
    await withTmpfs(disk, '3m', async () => {
      // The first trial waits at the barrier until the disk is full, then reports 50 times and exits.
      const file = study(disk, { env: { REPORTS: '50', FILL_BYTES: '1000', BARRIER_DIR: barrier, BARRIER_COUNT: '2' }, extra: 'min_free_disk: 0', budget: 3 });
      const child = startCli(['run', file, '--db', path.join(disk, 'disk.db'), '--json'], { env: cliEnv(disk) });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const done = collect(child);
      await until(() => readdirSync(barrier).length >= 1, 'the first trial at the barrier');
      const filler = path.join(disk, 'filler');
      fillUp(filler);
      writeFileSync(path.join(barrier, 'go'), '');
      await until(() => /the disk holding the database is full/.test(stderr), 'the engine to say it waits');
      rmSync(filler);
      const r = await done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/internal error|report not stored/);
      const lines = r.stderr.trim().split('\n');
      expect(lines.filter((l) => /the disk holding the database is full .*waiting up to 4h for space/.test(l))).toHaveLength(1);
      expect(lines.filter((l) => /the database could be written again after \d+ s/.test(l))).toHaveLength(1);
      expect(JSON.parse(r.stdout).counts).toMatchObject({ complete: 3, failed: 0, running: 0, queued: 0, stopped: 0 });
      const db = new Database(path.join(disk, 'disk.db'), { readonly: true });
      try {
        // Nothing lost: every report of every trial, the one that reported into a full disk included.
        const perTrial = db.prepare(`SELECT t.number AS n, COUNT(DISTINCT r.step) AS steps FROM trials t JOIN reports r ON r.trial_id = t.id GROUP BY t.id ORDER BY t.number`).all();
        expect(perTrial).toEqual([0, 1, 2].map((n) => ({ n, steps: 50 })));
        expect(db.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = 'disk.db_full'`).get()).toEqual({ n: 1 });
      } finally {
        db.close();
      }
    });
  });

  it.skipIf(!isRoot)('below resources.min_free_disk: no trial starts, the study says why, and trials start again once space is freed', async () => {
    const dir = tempDir('nightshift-disk-');
    await withTmpfs(path.join(dir, 'studies'), '16m', async () => {
      // 4 MB left of 16: below the 8 MiB guard before the first trial.
      const filler = path.join(dir, 'studies', 'filler');
      writeFileSync(filler, Buffer.alloc(12 * 2 ** 20));
      const file = study(dir, { env: { FILL_BYTES: '1000' }, extra: 'min_free_disk: 8MiB', budget: 3 });
      const child = startCli(['run', file, '--db', path.join(dir, 'disk.db'), '--json'], { env: cliEnv(dir) });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const done = collect(child);
      await until(() => /disk nearly full: .*waiting up to 4h for space/.test(stderr), 'the engine to say it waits');
      const show = await runCli(['show', 'disk', '--db', path.join(dir, 'disk.db'), '--json'], { env: cliEnv(dir) });
      const waiting = JSON.parse(show.stdout) as Show;
      expect(waiting).toMatchObject({ state: 'running', counts: { complete: 0, running: 0 } });
      expect(waiting.stop_reason).toMatch(/^waiting for disk space: disk nearly full: .*below resources\.min_free_disk/);
      rmSync(filler);
      const r = await done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/free disk is back above resources\.min_free_disk after \d+ s; trials start again/);
      expect(JSON.parse(r.stdout)).toMatchObject({ state: 'finished', counts: { complete: 3, running: 0, queued: 0 } });
      const db = new Database(path.join(dir, 'disk.db'), { readonly: true });
      expect(db.prepare(`SELECT kind, COUNT(*) AS n FROM events WHERE kind IN ('disk.low', 'disk.ok') GROUP BY kind ORDER BY kind`).all()).toEqual([
        { kind: 'disk.low', n: 1 },
        { kind: 'disk.ok', n: 1 },
      ]);
      db.close();
    });
  });
});

describe('checkpoint retention', () => {
  it('keeps only the best configurations’ checkpoints once nothing can resume them; show reports disk use', async () => {
    const dir = tempDir('nightshift-disk-');
    const file = study(dir, { env: { FILL_BYTES: '50000' }, budget: 5 });
    writeFileSync(file, `${readFileSync(file, 'utf8')}checkpoints: {keep_best: 2}\n`);
    const r = await run(dir, file);
    expect(r.code, r.stderr).toBe(0);
    const db = new Database(path.join(dir, 'disk.db'), { readonly: true });
    const best = (
      db.prepare(`SELECT t.number FROM trials t JOIN trial_values v ON v.trial_id = t.id WHERE v.metric = 'loss' ORDER BY v.value LIMIT 2`).all() as {
        number: number;
      }[]
    ).map((t) => t.number);
    db.close();
    const trialsDir = path.join(dir, 'studies', 'disk', 'trials');
    const kept = readdirSync(trialsDir).filter((n) => existsSync(path.join(trialsDir, n, 'checkpoint'))).map(Number);
    expect(kept.sort()).toEqual(best.sort());
    expect(r.show!.disk.checkpoint_bytes).toBe(2 * 50000);
    const show = await runCli(['show', 'disk', '--db', path.join(dir, 'disk.db')], { env: cliEnv(dir) });
    expect(show.stdout).toMatch(/^disk: [\d.]+ kB in .*studies\/disk \(checkpoints 100 kB\)$/m);
  });
});

describe('a study whose first trials all fail', () => {
  it('exits 1 with the reason', async () => {
    const dir = tempDir('nightshift-disk-');
    const r = await run(dir, study(dir, { command: ['/usr/bin/python3', '-c', 'import sys; sys.exit("broken trainer")'], budget: 30 }));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^nightshift run: study "disk" stopped: the first 10 trials all failed \(last: .*broken trainer\); fix the trainer and run again$/);
    expect(r.show!.counts.failed).toBe(10);
  });
});

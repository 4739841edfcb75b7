// Reading a user-named file with a hard byte limit: stat.size lies (0) for devices, FIFOs and /proc files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegularFile, RegularFileError, type RegularFileProblem } from '../../src/main/engine/regular-file.js';
import { studyDir, trialDir, UnsafeTrialPathError } from '../../src/main/engine/paths.js';
import { tempDir } from '../helpers/cli.js';

function problemOf(fn: () => unknown): RegularFileProblem {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegularFileError) return e.problem;
    throw e;
  }
  throw new Error('expected a RegularFileError');
}

describe('readRegularFile', () => {
  const dir = tempDir();

  it('reads a regular file up to exactly the limit, and refuses one byte more', () => {
    const file = path.join(dir, 'ten.txt');
    writeFileSync(file, '0123456789');
    expect(readRegularFile(file, 10).toString()).toBe('0123456789');
    expect(problemOf(() => readRegularFile(file, 9))).toEqual({ kind: 'too-large', bytes: 10 });
  });

  it('stops at the limit for a /proc file whose stat size is 0', () => {
    // /proc/self/maps lists every mapping of this process: far more than 64 bytes, yet its size reads 0.
    expect(problemOf(() => readRegularFile('/proc/self/maps', 64))).toEqual({ kind: 'too-large', bytes: null });
  });

  it('refuses a character device without reading it', () => {
    expect(problemOf(() => readRegularFile('/dev/zero', 1024))).toEqual({ kind: 'not-regular', what: 'a character device' });
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(problemOf(() => readRegularFile(fifo, 1024))).toEqual({ kind: 'not-regular', what: 'a FIFO (named pipe)' });
  });

  it('names a folder and a missing file', () => {
    mkdirSync(path.join(dir, 'sub'));
    expect(problemOf(() => readRegularFile(path.join(dir, 'sub'), 1024))).toEqual({ kind: 'folder' });
    expect(problemOf(() => readRegularFile(path.join(dir, 'nope'), 1024))).toEqual({ kind: 'missing' });
  });
});

describe('trial folders from database content', () => {
  it('keeps a valid name and number under studies/', () => {
    expect(trialDir('/data', 'mlp-digits', 3)).toBe(path.join('/data', 'studies', 'mlp-digits', 'trials', '3'));
  });

  it.each(['..', '.', '../..', 'a/../../b', 'a\\b', 'x\0y', ''])('refuses the study name %j', (name) => {
    expect(() => studyDir('/data', name)).toThrow(UnsafeTrialPathError);
    expect(() => trialDir('/data', name, 0)).toThrow(UnsafeTrialPathError);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses the trial number %s', (n) => {
    expect(() => trialDir('/data', 'ok', n)).toThrow(UnsafeTrialPathError);
  });
});

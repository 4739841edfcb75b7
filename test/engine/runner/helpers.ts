// Shared by the runner tests: temp folders, fixture paths, and a launch that records what the trial sent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { launchTrial, type LaunchOptions, type TrialProcess } from '../../../src/main/engine/runner/process.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures/trials');
export const PYTHON = '/usr/bin/python3';
export const PYTHON_HELPER_DIR = path.join(ROOT, 'resources/python');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

const dirs: string[] = [];
const trials: TrialProcess[] = [];
afterEach(async () => {
  // A failed assertion must not leave a trial running for the rest of the suite.
  await Promise.all(trials.splice(0).map((t) => t.stop('test cleanup')));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-runner-'));
  dirs.push(dir);
  return dir;
}

export interface Recorded {
  reports: { step: number; metrics: Record<string, number> }[];
  logs: { stream: 'stdout' | 'stderr'; line: string }[];
}

export function launch(
  argv: string[],
  overrides: Partial<LaunchOptions> = {},
): { trial: TrialProcess; rec: Recorded; logDir: string } {
  const logDir = overrides.logDir ?? path.join(tempDir(), 'logs');
  const rec: Recorded = { reports: [], logs: [] };
  const trial = launchTrial({
    argv,
    cwd: FIXTURES,
    env: {},
    logDir,
    timeoutMs: null,
    killGraceMs: 300,
    onReport: (step, metrics) => rec.reports.push({ step, metrics }),
    onLog: (stream, line) => rec.logs.push({ stream, line }),
    ...overrides,
  });
  trials.push(trial);
  return { trial, rec, logDir };
}

export function readLog(logDir: string, stream: 'stdout' | 'stderr'): string {
  return readFileSync(path.join(logDir, `${stream}.log`), 'utf8');
}

/** Resolves with the first stdout line starting with `prefix`, as the trial prints it. */
export function waitForLine(rec: Recorded, prefix: string): Promise<string> {
  return new Promise((resolve) => {
    const check = (): void => {
      const hit = rec.logs.find((l) => l.stream === 'stdout' && l.line.startsWith(prefix));
      if (hit) resolve(hit.line);
      else setTimeout(check, 10);
    };
    check();
  });
}

export function isPidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

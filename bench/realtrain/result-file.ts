// Reading the JSON a realtrain run wrote (main.ts for the method comparison, transfer.ts for warm starts),
// for the benches that read earlier results instead of training: realtrain-intervals and
// realtrain-transfer-holdout. One reader, so a file that is missing, not JSON, or not a result at all fails
// the same way in both, naming the file.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RunLog, RunSummary } from './report.js';

export interface ResultProblem {
  problem: string;
  /** realtrain files: the rows tuned on and held out; transfer files: their per-seed rows. */
  rows?: { tune: number; test: number } | unknown[];
  summaries?: RunSummary[];
  runs?: RunLog[];
  targets?: Record<string, number>;
  settings?: { maxEpochs?: number };
}

/**
 * `file` (relative to `root`) parsed as JSON; throws a message that names it when it cannot be. Only a
 * regular file is read: a device or a FIFO named by mistake would never end or fill the memory.
 */
export function readJsonFile(root: string, file: string): unknown {
  try {
    const at = path.resolve(root, file);
    if (!statSync(at).isFile()) throw new Error('not a regular file');
    return JSON.parse(readFileSync(at, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot be read as a result file (${(e as Error).message})`);
  }
}

/** `file` (relative to `root`) as a result file; throws a message that names it when it is not one. */
export function readResultFile(root: string, file: string): { problems: ResultProblem[] } {
  const data = readJsonFile(root, file);
  const problems = (data as { problems?: unknown } | null)?.problems;
  if (!Array.isArray(problems)) throw new Error(`${file}: not a realtrain result file (no "problems" list)`);
  return { problems: problems as ResultProblem[] };
}

/** A result's time stamp for file names (2026-12-01-18-45) and titles (2026-12-01 18:45), from one instant. */
export function stamp(at: Date): { file: string; title: string } {
  const iso = at.toISOString().slice(0, 16);
  return { file: iso.replace(/[:T]/g, '-'), title: iso.replace('T', ' ') };
}

// The files one Slurm trial shares between the engine and its job, all in the trial's folder on the shared
// filesystem. The engine writes job.json (the argv, never a shell string) and job.sh (which only execs the
// node-side wrapper on job.json); the wrapper writes node.json when it starts, the trial's logs as it runs,
// and exit.json when the trial is over. exit.json is written last and renamed into place, so its presence
// means the wrapper finished.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TrialMeasurement } from '../../metering/index.js';
import type { TrialExit } from '../../runner/process.js';

export const JOB_FILES = {
  request: 'job.json',
  script: 'job.sh',
  slurmOutput: 'slurm.out',
  placement: 'node.json',
  exit: 'exit.json',
} as const;

/** What the wrapper runs: exactly what the local executor would give launchTrial. */
export interface JobRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number | null;
  killGraceMs: number;
  maxLogBytes: number;
  /** The trial's markers (runner/marked.ts): the wrapper kills daemonized leftovers carrying one on the node. */
  markers?: string[];
  /** Meter the job's GPUs, CPU and memory on the node. */
  meter: boolean;
}

export interface JobPlacement {
  node: string;
  jobId: string | null;
  /** SLURM_JOB_GPUS (the node's GPU indices), else CUDA_VISIBLE_DEVICES; null when the job got none. */
  gpus: string | null;
  cudaVisibleDevices: string | null;
  startedAt: string;
}

export interface JobResult {
  exit: TrialExit;
  /** A signal the wrapper itself received (scancel, time limit, preemption); null when none came. */
  signalled: string | null;
  measurement: TrialMeasurement | null;
  /** Slurm's own energy counter for the job, when the cluster has energy accounting (else null). */
  slurmEnergyJ: number | null;
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  renameSync(tmp, file);
}

export function readJsonIfPresent<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // Half-visible on a shared filesystem: the next look will see it whole.
    return null;
  }
}

/** POSIX single quotes: the only shell text in a job script is engine-made paths, quoted this way. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The batch script: no parameter value ever appears in it; the wrapper reads them from job.json. */
export function jobScript(nodeBinary: string, wrapper: string, requestFile: string): string {
  return ['#!/bin/sh', '# Written by Nightshift: runs the trial described in job.json under the node-side wrapper.', `exec ${shellQuote(nodeBinary)} ${shellQuote(wrapper)} ${shellQuote(requestFile)}`, ''].join('\n');
}

export function jobFile(dir: string, name: keyof typeof JOB_FILES): string {
  return path.join(dir, JOB_FILES[name]);
}

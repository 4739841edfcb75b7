// The Slurm client commands Nightshift uses (sbatch, squeue, scontrol, scancel, sinfo), run without a
// shell, and parsers for what they print. There is no slurmdbd on many clusters (and none in CI), so
// nothing here uses sacct: live state comes from squeue, a finished job's details from `scontrol show job`
// (kept for MinJobAge, 300 s by default), and the rest from the files the job writes.
import { execFile } from 'node:child_process';

export interface SlurmCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one Slurm client command; a missing command is code 127 with the reason on stderr. */
export function slurmCommand(command: string, args: string[], timeoutMs = 30_000): Promise<SlurmCommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve({ code: 127, stdout: '', stderr: `${command} not found: is this a Slurm login node (slurm-client installed, on PATH)?` });
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export class SlurmCommandError extends Error {
  constructor(command: string, args: string[], result: SlurmCommandResult) {
    super(`${command} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim() || 'no output'}`);
    this.name = 'SlurmCommandError';
  }
}

/** Job states as squeue and scontrol print them (long form). */
export type JobState = string;

/** States in which the job still holds (or waits for) resources: it counts against max_jobs. */
export const ACTIVE_STATES: ReadonlySet<string> = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESIZING',
  'SIGNALING',
  'STAGE_OUT',
  'STOPPED',
  'RESV_DEL_HOLD',
]);

export interface QueueEntry {
  jobId: string;
  state: JobState;
  node: string | null;
}

/** squeue -h --states=all -o '%i|%T|%N' for the given jobs; jobs Slurm no longer knows are absent. */
export async function queueStates(jobIds: readonly string[]): Promise<Map<string, QueueEntry> | null> {
  const out = new Map<string, QueueEntry>();
  if (jobIds.length === 0) return out;
  const r = await slurmCommand('squeue', ['-h', '--states=all', '-j', jobIds.join(','), '-o', '%i|%T|%N']);
  // squeue exits 1 with "Invalid job id specified" when every listed job is unknown: that is an answer.
  if (r.code !== 0 && !/Invalid job id/i.test(r.stderr)) return null;
  for (const line of r.stdout.split('\n')) {
    const [jobId, state, node] = line.trim().split('|');
    if (!jobId || !state) continue;
    out.set(jobId, { jobId, state, node: node ? node : null });
  }
  return out;
}

/** `scontrol show job -o ID` as key/value pairs, or null when Slurm no longer knows the job. */
export async function showJob(jobId: string): Promise<Record<string, string> | null> {
  const r = await slurmCommand('scontrol', ['show', 'job', '-o', jobId]);
  if (r.code !== 0) return null;
  return parseKeyValues(r.stdout);
}

/** scontrol's one-line `Key=Value Key=Value` output; values run to the next ` Key=`. */
export function parseKeyValues(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=(.*?)(?=\s[A-Za-z][A-Za-z0-9_:/]*=|\s*$)/gs;
  for (const m of line.trim().matchAll(re)) out[m[1]!] = m[2]!;
  return out;
}

/**
 * Why Slurm ended a job that did not say so itself (its wrapper was killed or never ran), in the words a
 * user reads in the trial's reason. null when the job's state does not explain it.
 */
export function describeJobEnd(jobId: string, job: Record<string, string> | null): string | null {
  if (!job) return null;
  const state = (job.JobState ?? '').split(/\s/)[0] ?? '';
  const exitCode = job.ExitCode ?? '';
  const [code, signal] = exitCode.split(':');
  const reason = job.Reason && job.Reason !== 'None' ? ` (${job.Reason})` : '';
  switch (state) {
    case 'TIMEOUT':
      return `slurm job ${jobId} reached its time limit${job.TimeLimit ? ` of ${job.TimeLimit}` : ''}`;
    case 'NODE_FAIL':
      return `slurm job ${jobId} lost its node${job.NodeList ? ` ${job.NodeList}` : ''} (node failure)`;
    case 'PREEMPTED':
      return `slurm job ${jobId} was preempted${reason}`;
    case 'OUT_OF_MEMORY':
      return `slurm job ${jobId} ran out of memory${job.MinMemoryNode ? ` (mem ${job.MinMemoryNode})` : ''}`;
    case 'CANCELLED':
      return `slurm job ${jobId} was cancelled outside Nightshift (scancel)${reason}`;
    case 'BOOT_FAIL':
    case 'DEADLINE':
      return `slurm job ${jobId} ended ${state}${reason}`;
    case 'FAILED':
      if (signal && signal !== '0') return `slurm job ${jobId} killed by signal ${signal}${reason}`;
      return `slurm job ${jobId} failed with exit code ${code ?? '?'}${reason}`;
    default:
      return null;
  }
}

export interface PartitionInfo {
  name: string;
  isDefault: boolean;
  available: string;
  timeLimit: string;
  nodes: number;
  cpus: string;
  memoryMb: string;
  gres: string;
  state: string;
}

/** sinfo's partitions (one line per partition and node state, merged per partition). */
export async function partitions(): Promise<PartitionInfo[]> {
  const r = await slurmCommand('sinfo', ['-h', '-o', '%P|%a|%l|%D|%c|%m|%G|%T']);
  if (r.code !== 0) throw new SlurmCommandError('sinfo', ['-h'], r);
  const byName = new Map<string, PartitionInfo>();
  for (const line of r.stdout.split('\n')) {
    const f = line.trim().split('|');
    if (f.length < 8) continue;
    const isDefault = f[0]!.endsWith('*');
    const name = f[0]!.replace(/\*$/, '');
    const prev = byName.get(name);
    const nodes = Number(f[3]) || 0;
    if (prev) {
      prev.nodes += nodes;
      prev.state = `${prev.state},${f[7]}`;
      continue;
    }
    byName.set(name, { name, isDefault, available: f[1]!, timeLimit: f[2]!, nodes, cpus: f[4]!, memoryMb: f[5]!, gres: f[6]!, state: f[7]! });
  }
  return [...byName.values()];
}

// A real one-node Slurm cluster for the Slurm executor's tests. CI starts it (scripts/slurm-local.sh, from
// .ci/run) and exports SLURM_CONF; on a developer machine with slurm-wlm and munge installed, running as
// root, the first test file that needs it starts one under the temp folder (shared by the test files, under
// a lock) and leaves it running for the next run: `scripts/slurm-local.sh stop DIR` ends it.
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';

export type SlurmSetup = { conf: string; skip: null } | { conf: null; skip: string };

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function answers(conf: string): boolean {
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { env: { ...process.env, SLURM_CONF: conf }, encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && /idle|mix|alloc/.test(r.stdout);
}

let cached: SlurmSetup | null = null;

/** The cluster to use (SLURM_CONF is set in this process for the clients), or why the tests skip. */
export function slurmCluster(): SlurmSetup {
  if (cached) return cached;
  cached = findCluster();
  if (cached.conf) process.env.SLURM_CONF = cached.conf;
  return cached;
}

function findCluster(): SlurmSetup {
  if (!onPath('sbatch')) return { conf: null, skip: 'sbatch not found: install slurm-wlm and munge (apt-get) to run the Slurm executor tests' };
  const given = process.env.SLURM_CONF;
  if (given && answers(given)) return { conf: given, skip: null };
  if (process.getuid?.() !== 0) return { conf: null, skip: 'no Slurm cluster answers (SLURM_CONF) and starting one needs root: run scripts/slurm-local.sh start DIR as root' };
  const dir = path.join(os.tmpdir(), 'nightshift-slurm-test');
  const conf = path.join(dir, 'slurm.conf');
  try {
    execFileSync('flock', [`${dir}.lock`, path.join(ROOT, 'scripts/slurm-local.sh'), 'ensure', dir], { stdio: 'pipe', timeout: 60_000 });
  } catch (e) {
    return { conf: null, skip: `could not start a local Slurm cluster: ${(e as Error).message}` };
  }
  return answers(conf) ? { conf, skip: null } : { conf: null, skip: `the local Slurm cluster in ${dir} does not answer` };
}

/** Job ids Slurm still lists (pending, running, completing) for trials of `study` (job names end with it). */
export function activeJobsOf(study: string): string[] {
  const r = spawnSync('squeue', ['-h', '-o', '%i|%j'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split('|'))
    .filter((f) => f.length === 2 && f[1]!.startsWith('nightshift-') && f[1]!.endsWith(`-${study}`))
    .map((f) => f[0]!);
}

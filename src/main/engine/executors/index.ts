// Public surface of executors: the campaign and the CLI import from here only.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudySpecError } from '../study/errors.js';
import type { ExecutorSpec, StudySpec } from '../study/types.js';
import { LocalExecutor } from './local.js';
import { partitions, SlurmCommandError } from './slurm/commands.js';
import { SlurmExecutor } from './slurm/executor.js';
import type { Executor } from './types.js';

export type { Executor, ExecutorExit, ExecutorKind, TrialHandle, TrialLaunch, TrialLease, TrialPlacement } from './types.js';
export { LocalExecutor } from './local.js';
export { SlurmExecutor, jobName, sbatchArgs } from './slurm/executor.js';
export { partitions, type PartitionInfo } from './slurm/commands.js';

export function executorOf(spec: StudySpec): ExecutorSpec {
  return spec.executor ?? { type: 'local' };
}

/** The node-side wrapper of this package (out/executors/slurm-node.mjs), found from this module's place. */
export function slurmWrapperPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'out', 'executors', 'slurm-node.mjs');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'resources'))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the Nightshift package root (for out/executors/slurm-node.mjs)');
    dir = up;
  }
}

export function createExecutor(spec: StudySpec): Executor {
  const e = executorOf(spec);
  if (e.type === 'local') return new LocalExecutor();
  return new SlurmExecutor({ spec: e, nodeBinary: e.node ?? process.execPath, wrapper: slurmWrapperPath() });
}

/** Trials in flight at once: resources.parallel, or executor.max_jobs on Slurm (pending jobs included). */
export function trialsInFlight(spec: StudySpec): number {
  const e = executorOf(spec);
  return e.type === 'slurm' && e.max_jobs !== null ? e.max_jobs : spec.resources.parallel;
}

/**
 * What the study file cannot show by itself: that the cluster is reachable and has the partition. Run
 * before any trial starts, so a typo costs a second, not a night. Throws StudySpecError naming the key.
 */
export async function checkExecutor(spec: StudySpec): Promise<void> {
  const e = executorOf(spec);
  if (e.type !== 'slurm') return;
  let list;
  try {
    list = await partitions();
  } catch (err) {
    const why = err instanceof SlurmCommandError || err instanceof Error ? err.message : String(err);
    throw new StudySpecError(null, [{ path: 'executor', message: `cannot reach Slurm (${why}); run nightshift on a login node of the cluster, or use executor: local` }]);
  }
  if (e.partition !== null && !list.some((p) => p.name === e.partition)) {
    const names = list.map((p) => p.name);
    throw new StudySpecError(null, [
      { path: 'executor.partition', message: `no partition "${e.partition}" on this cluster; sinfo lists ${names.length ? names.join(', ') : 'none'}` },
    ]);
  }
}

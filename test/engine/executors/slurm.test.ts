// The Slurm executor against the executor contract, on a real one-node Slurm cluster (test/helpers/slurm.ts).
import { SlurmExecutor, slurmWrapperPath } from '../../../src/main/engine/executors/index.js';
import { normalizeExecutor } from '../../../src/main/engine/study/executor-spec.js';
import type { SlurmExecutorSpec } from '../../../src/main/engine/study/types.js';
import { slurmCluster } from '../../helpers/slurm.js';
import { executorContract } from './contract.js';

executorContract('slurm', true, () => {
  const cluster = slurmCluster();
  if (cluster.skip !== null) return cluster.skip;
  const spec = normalizeExecutor({ type: 'slurm' }) as SlurmExecutorSpec;
  return new SlurmExecutor({ spec, nodeBinary: process.execPath, wrapper: slurmWrapperPath(), queuePollMs: 500 });
});

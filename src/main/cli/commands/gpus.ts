import { formatInventory, inventory } from '../../engine/metering/index.js';
import { detectBackend } from '../../engine/trainers/backend.js';
import { parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { slurmGpus } from './gpus-slurm.js';

export const GPUS_HELP = `Usage: nightshift gpus [--json] [--executor local|slurm [--probe] [--partition P] [--gres G]]

Shows this machine's GPUs (memory, driver, power limit), CPU and memory, what Nightshift can measure
here (GPU power through nvidia-smi, CPU energy through RAPL, or only an estimate) and why not, and
which TensorFlow.js backend the built-in trainer would use.

With --executor slurm: the cluster's partitions (nodes, CPUs, memory, GPUs as GRES, time limits), and
with --probe, the same inventory taken on a compute node by a one-task job (srun) in --partition with
--gres, so you see what trials there can measure.
`;

export async function gpusCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('gpus', argv, {
    executor: { type: 'string', default: 'local' },
    probe: { type: 'boolean', default: false },
    partition: { type: 'string' },
    gres: { type: 'string' },
  });
  if (values.help) return void out.write(GPUS_HELP), 0;
  if (values.executor === 'slurm') {
    return slurmGpus({ json: values.json, probe: values.probe, partition: values.partition ?? null, gres: values.gres ?? null }, out);
  }
  if (values.executor !== 'local') throw new CliError(`gpus: --executor must be local or slurm, got ${values.executor}`, EXIT.usage);
  const [inv, backend] = await Promise.all([inventory(), detectBackend()]);
  if (values.json) {
    out.write(JSON.stringify({ ...inv, trainer_backend: backend }, null, 2) + '\n');
    return 0;
  }
  const fallbacks = backend.fallbacks.length ? ` (${backend.fallbacks.join('; ')})` : '';
  out.write(`${formatInventory(inv).trimEnd()}\nBuilt-in trainer backend: ${backend.backend} via ${backend.package}${fallbacks}\n`);
  return 0;
}

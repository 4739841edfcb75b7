import { formatInventory, inventory } from '../../engine/metering/index.js';
import { detectBackend } from '../../engine/trainers/backend.js';
import { parse } from '../args.js';

export const GPUS_HELP = `Usage: nightshift gpus [--json]

Shows this machine's GPUs (memory, driver, power limit), CPU and memory, what Nightshift can measure
here (GPU power through nvidia-smi, CPU energy through RAPL, or only an estimate) and why not, and
which TensorFlow.js backend the built-in trainer would use.
`;

export async function gpusCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('gpus', argv, {});
  if (values.help) return void out.write(GPUS_HELP), 0;
  const [inv, backend] = await Promise.all([inventory(), detectBackend()]);
  if (values.json) {
    out.write(JSON.stringify({ ...inv, trainer_backend: backend }, null, 2) + '\n');
    return 0;
  }
  const fallbacks = backend.fallbacks.length ? ` (${backend.fallbacks.join('; ')})` : '';
  out.write(`${formatInventory(inv).trimEnd()}\nBuilt-in trainer backend: ${backend.backend} via ${backend.package}${fallbacks}\n`);
  return 0;
}

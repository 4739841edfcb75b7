// `nightshift gpus --executor slurm`: the cluster's partitions (nodes, CPUs, memory, GRES, limits) from
// sinfo, and with --probe, what Nightshift can measure on a compute node: a one-task job (srun) runs
// `nightshift gpus --json` there, so the answer is the node's own (nvidia-smi, RAPL), not the login node's.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { partitions, type PartitionInfo } from '../../engine/executors/index.js';
import { formatInventory, type Inventory } from '../../engine/metering/index.js';
import { CliError, EXIT } from '../errors.js';

export interface SlurmGpusOptions {
  json: boolean;
  probe: boolean;
  partition: string | null;
  gres: string | null;
}

function probeNode(o: SlurmGpusOptions): Promise<{ node: string; inventory: Inventory }> {
  // This file is bundled into out/cli/nightshift.mjs; the same bundle runs on the node.
  const cli = fileURLToPath(import.meta.url);
  const args = ['-N1', '-n1', '--quiet', ...(o.partition ? [`--partition=${o.partition}`] : []), ...(o.gres ? [`--gres=${o.gres}`] : [])];
  const script = `printf '%s\\n' "$SLURMD_NODENAME"; exec "$0" "$1" gpus --json`;
  return new Promise((resolve, reject) => {
    execFile('srun', [...args, 'sh', '-c', script, process.execPath, path.resolve(cli)], { timeout: 300_000, maxBuffer: 8 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new CliError(`gpus: the probe job failed: ${String(stderr).trim() || error.message}`, EXIT.failure));
      const text = String(stdout);
      const nl = text.indexOf('\n');
      try {
        resolve({ node: text.slice(0, nl).trim(), inventory: JSON.parse(text.slice(nl + 1)) as Inventory });
      } catch {
        reject(new CliError(`gpus: the probe job printed no inventory: ${text.slice(0, 200)}`, EXIT.failure));
      }
    });
  });
}

function formatPartitions(list: PartitionInfo[]): string {
  const rows = [['PARTITION', 'NODES', 'CPUS/NODE', 'MEM/NODE (MB)', 'GRES', 'TIME LIMIT', 'STATE']];
  for (const p of list) rows.push([`${p.name}${p.isDefault ? '*' : ''}`, String(p.nodes), p.cpus, p.memoryMb, p.gres, p.timeLimit, p.state]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export async function slurmGpus(o: SlurmGpusOptions, out: NodeJS.WritableStream): Promise<number> {
  let list: PartitionInfo[];
  try {
    list = await partitions();
  } catch (e) {
    throw new CliError(`gpus: cannot reach Slurm: ${(e as Error).message}`, EXIT.failure);
  }
  if (o.partition !== null && !list.some((p) => p.name === o.partition)) {
    throw new CliError(`gpus: no partition "${o.partition}"; sinfo lists ${list.map((p) => p.name).join(', ') || 'none'}`, EXIT.usage);
  }
  const probe = o.probe ? await probeNode(o) : null;
  if (o.json) {
    out.write(JSON.stringify({ executor: 'slurm', partitions: list, probe }, null, 2) + '\n');
    return 0;
  }
  out.write(`Slurm partitions (* = default):\n${formatPartitions(list)}\n`);
  if (probe) out.write(`\nOn compute node ${probe.node} (a probe job):\n${formatInventory(probe.inventory).trimEnd()}\n`);
  else out.write('\nAdd --probe to run a one-task job and show what can be measured on a compute node (GPU power, RAPL).\n');
  return 0;
}

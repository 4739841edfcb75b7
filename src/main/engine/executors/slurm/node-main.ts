// The node-side wrapper (bundled to out/executors/slurm-node.mjs), started by a trial's batch script on the
// compute node: `node slurm-node.mjs <trial folder>/job.json`. It runs the trial exactly as the local
// executor does (runner/process.ts: argv without a shell, its own process group, bounded logs, timeout),
// meters the job's GPUs, CPU and peak memory with the engine's own Meter, and writes node.json (where it
// runs) and exit.json (how it ended, with the measurement) next to the logs for the engine to read.
// A SIGTERM from Slurm (scancel, time limit, preemption) stops the trial with its grace period first.
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Meter, reapedCpu, type TrialMeasurement } from '../../metering/index.js';
import { launchTrial } from '../../runner/process.js';
import { jobFile, writeJsonAtomic, type JobPlacement, type JobRequest, type JobResult } from './job-files.js';

function gpuIndices(list: string | null): number[] {
  if (!list) return [];
  return list
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n >= 0);
}

async function main(): Promise<number> {
  const requestFile = process.argv[2];
  if (!requestFile) {
    process.stderr.write('usage: slurm-node.mjs <trial folder>/job.json\n');
    return 2;
  }
  const dir = path.dirname(path.resolve(requestFile));
  const req = JSON.parse(readFileSync(requestFile, 'utf8')) as JobRequest;
  const cuda = process.env.CUDA_VISIBLE_DEVICES ?? null;
  // SLURM_JOB_GPUS holds the node's own indices, which nvidia-smi uses; CUDA_VISIBLE_DEVICES may be
  // renumbered from 0 when the cluster constrains devices with cgroups.
  const gpus = process.env.SLURM_JOB_GPUS ?? process.env.SLURM_STEP_GPUS ?? cuda;
  const placement: JobPlacement = {
    node: process.env.SLURMD_NODENAME ?? os.hostname(),
    jobId: process.env.SLURM_JOB_ID ?? null,
    gpus: gpus === '' ? null : gpus,
    cudaVisibleDevices: cuda,
    startedAt: new Date().toISOString(),
  };
  writeJsonAtomic(jobFile(dir, 'placement'), placement);

  let signalled: string | null = null;
  let stopTrial: (() => void) | null = null;
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => {
      signalled ??= sig;
      stopTrial?.();
    });
  }

  // idleSeconds 0: the trial should not wait 2 s for a baseline; the first sample is the baseline.
  const meter = req.meter ? await Meter.start({ idleSeconds: 0 }).catch(() => null) : null;
  const proc = launchTrial({
    argv: req.argv,
    cwd: req.cwd,
    env: req.env,
    logDir: dir,
    maxLogBytes: req.maxLogBytes,
    timeoutMs: req.timeoutMs,
    killGraceMs: req.killGraceMs,
    markers: req.markers ?? [],
    onReaped: (pid) => reapedCpu.atExit(pid),
    // Reports are read by the engine from stdout.log; the wrapper only keeps the log.
    onReport: () => {},
  });
  stopTrial = () => void proc.stop('signal');
  if (signalled) stopTrial();
  if (meter && proc.pid > 0) meter.beginTrial('job', proc.pid, gpuIndices(placement.gpus));
  const exit = await proc.done;
  let measurement: TrialMeasurement | null = null;
  if (meter && proc.pid > 0) {
    measurement = await meter.endTrial('job').catch(() => null);
    await meter.stop();
  }
  const result: JobResult = { exit, signalled, measurement, slurmEnergyJ: null };
  writeJsonAtomic(jobFile(dir, 'exit'), result);
  return exit.code ?? 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`nightshift slurm wrapper: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);

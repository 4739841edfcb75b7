#!/usr/bin/env node
// Engine CPU overhead of metering: how much of one core the engine process spends sampling GPUs (nvidia-smi
// stream + per-process memory polls) and walking trial process trees, at the default 500 ms interval.
//
//   node bench/metering-overhead.mjs [--seconds 20] [--interval 500] [--trials 2] [--real] [--bundle FILE]
//
// By default it drives the fake nvidia-smi of the tests (two GPUs); --real uses the nvidia-smi on PATH.
// Only this process's CPU time is counted (process.cpuUsage): nvidia-smi runs in its own process, and its cost
// on a real driver is outside the engine's event loop. Target: under 1% of one core.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMetering } from '../scripts/lib/load-metering.mjs';

const root = path.resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const seconds = Number(arg('seconds', '20'));
const intervalMs = Number(arg('interval', '500'));
const trialCount = Number(arg('trials', '2'));
const real = process.argv.includes('--real');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ns-metering-bench-'));
// --bundle: a prebuilt bundle of src/main/engine/metering/index.ts (machines without esbuild).
const { Meter } = await loadMetering(arg('bundle', null));

let nvidiaSmi = 'nvidia-smi';
if (!real) {
  const scenario = JSON.parse(readFileSync(path.join(root, 'test/fixtures/fake-gpu/scenarios/const-2gpu.json'), 'utf8'));
  writeFileSync(path.join(tmp, 'scenario.json'), JSON.stringify({ ...scenario, t0_ms: Date.now() }));
  nvidiaSmi = path.join(tmp, 'nvidia-smi');
  const fake = path.join(root, 'test/fixtures/fake-gpu/nvidia-smi.mjs');
  writeFileSync(nvidiaSmi, `#!/bin/sh\nFAKE_GPU_SCENARIO='${path.join(tmp, 'scenario.json')}' exec '${process.execPath}' '${fake}' "$@"\n`);
  chmodSync(nvidiaSmi, 0o755);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function measure(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000;
  const cpuMs = (c.user + c.system) / 1000;
  return { wall, cpuMs, pct: (cpuMs / 1000 / wall) * 100 };
}

// Trials: shells with a child each, so tree walks have something to walk.
const trials = Array.from({ length: trialCount }, () => spawn('bash', ['-c', 'sleep 600 & wait'], { stdio: 'ignore' }));
const rows = [];
await new Promise((r) => setTimeout(r, 2000)); // let start-up garbage settle before measuring
try {
  rows.push(['no meter (event loop idle)', await measure(() => sleep(Math.min(5, seconds) * 1000))]);
  const meter = await Meter.start({ nvidiaSmi, intervalMs, idleSeconds: 0 });
  const gpus = meter.sources().gpu.gpus;
  await sleep(2000); // JIT and first-use allocations of the meter are start-up cost, not steady state
  rows.push([`meter, no trial (${gpus.length} GPU)`, await measure(() => sleep(Math.min(5, seconds) * 1000))]);
  trials.forEach((t, i) => meter.beginTrial(`t${i}`, t.pid, gpus.length ? [gpus[i % gpus.length]] : []));
  rows.push([`meter, ${trialCount} trials`, await measure(() => sleep(seconds * 1000))]);
  await Promise.all(trials.map((_, i) => meter.endTrial(`t${i}`)));
  await meter.stop();
} finally {
  for (const t of trials) t.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`metering overhead — ${real ? 'real nvidia-smi' : 'fake nvidia-smi (2 GPUs)'}, interval ${intervalMs} ms, node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}`);
console.log('| phase | wall s | engine CPU ms | % of one core |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of rows) console.log(`| ${name} | ${r.wall.toFixed(1)} | ${r.cpuMs.toFixed(0)} | ${r.pct.toFixed(2)} |`);
const worst = rows[rows.length - 1][1].pct;
console.log(worst < 1 ? `OK: ${worst.toFixed(2)}% < 1% of one core` : `OVER TARGET: ${worst.toFixed(2)}% ≥ 1% of one core`);

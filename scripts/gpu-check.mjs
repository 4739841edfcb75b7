#!/usr/bin/env node
// gpu-check: on a real NVIDIA machine (not CI), run a short GPU load and compare the energy Nightshift's Meter
// attributes to it with an independent integral of nvidia-smi's own power readings over the same window.
//
//   node scripts/gpu-check.mjs [--seconds 20] [--gpu 0] [--interval 500] [--bundle out/metering.mjs]
//
// Needs nvidia-smi, and python3 with PyTorch + CUDA for the load. The Meter samples at --interval (default
// 500 ms, the engine's default); the reference poller streams power.draw every 100 ms from its own nvidia-smi.
// Exit code: 0 when they agree within 5%, 1 when they do not, 2 when the check cannot run here.
import { execFile, spawn } from 'node:child_process';
import { loadMetering } from './lib/load-metering.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const seconds = Number(arg('seconds', '20'));
const gpu = Number(arg('gpu', '0'));
const intervalMs = Number(arg('interval', '500'));
const python = arg('python', 'python3');

function run(cmd, args) {
  return new Promise((resolve) => execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: !err, stdout, stderr: stderr || String(err?.message ?? '') })));
}
function cannot(msg) {
  console.error(`gpu-check: ${msg}`);
  process.exit(2);
}



// Alternating load (3 s of fp16 matmuls, 1 s idle) so the check covers power changing, not one plateau.
const LOAD = `
import sys, time, torch
dur = float(sys.argv[1])
a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16); b = torch.randn_like(a)
torch.cuda.synchronize(); end = time.time() + dur; n = 0
while time.time() < end:
    phase_end = min(end, time.time() + 3.0)
    while time.time() < phase_end:
        for _ in range(20): c = a @ b
        torch.cuda.synchronize(); n += 20
    time.sleep(min(1.0, max(0.0, end - time.time())))
print(f"{n} matmuls of 8192x8192 fp16", flush=True)
`;

const smi = await run('nvidia-smi', ['-L']);
if (!smi.ok) cannot(`nvidia-smi is not usable here (${smi.stderr.trim().split('\n')[0]}). Run this on a machine with an NVIDIA GPU.`);
const torch = await run(python, ['-c', 'import torch; print(torch.cuda.is_available())']);
if (!torch.ok || torch.stdout.trim() !== 'True') {
  cannot(`${python} with PyTorch and CUDA is needed for the load (pip install torch), got: ${(torch.stdout + torch.stderr).trim().split('\n').pop()}`);
}

const { Meter } = await loadMetering(arg('bundle', null));
const meter = await Meter.start({ intervalMs, idleSeconds: 2 });
console.log(`meter: GPU ${meter.sources().gpu.reason}; CPU ${meter.sources().cpu.reason}`);

// Independent reference: its own nvidia-smi child, 100 ms, power.draw of the chosen GPU only.
const ref = [];
const poller = spawn('nvidia-smi', ['--query-gpu=power.draw', '--format=csv,noheader,nounits', '-i', String(gpu), '-lms', '100'], { stdio: ['ignore', 'pipe', 'inherit'] });
let buf = '';
poller.stdout.setEncoding('utf8');
poller.stdout.on('data', (chunk) => {
  buf += chunk;
  const lines = buf.split('\n');
  buf = lines.pop() ?? '';
  const t = Date.now();
  for (const l of lines) {
    const w = Number(l.trim());
    if (l.trim() !== '' && Number.isFinite(w)) ref.push({ t, w });
  }
});
await new Promise((r) => setTimeout(r, 1000));

const load = spawn(python, ['-c', LOAD, String(seconds)], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CUDA_VISIBLE_DEVICES: String(gpu) } });
meter.beginTrial('gpu-check', load.pid, [gpu]);
const code = await new Promise((r) => load.on('exit', (c) => r(c)));
const m = await meter.endTrial('gpu-check');
await new Promise((r) => setTimeout(r, 500)); // reference samples past the window end
poller.kill('SIGKILL');
await meter.stop();
if (code !== 0) cannot(`the PyTorch load exited with code ${code}`);

// Reference integral over exactly the Meter's window, linear between samples, interpolated at the edges.
const { start_ms: s, end_ms: e } = m.window;
const at = (t) => {
  const i = ref.findIndex((p) => p.t >= t);
  if (i <= 0) return ref[Math.max(0, i)]?.w ?? NaN;
  const a = ref[i - 1];
  const b = ref[i];
  return a.w + ((b.w - a.w) * (t - a.t)) / (b.t - a.t);
};
const pts = [{ t: s, w: at(s) }, ...ref.filter((p) => p.t > s && p.t < e), { t: e, w: at(e) }];
let refJ = 0;
for (let i = 1; i < pts.length; i++) refJ += ((pts[i - 1].w + pts[i].w) / 2) * ((pts[i].t - pts[i - 1].t) / 1000);

const got = m.metrics.gpu_energy_j;
const diff = got === undefined ? NaN : ((got - refJ) / refJ) * 100;
const f = (x, d = 1) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));
console.log('');
console.log(`window                       ${f(m.metrics.duration_s, 2)} s on GPU ${gpu}`);
console.log(`Nightshift gpu_energy_j      ${f(got)} J  (${intervalMs} ms samples, mean ${f(m.metrics.mean_gpu_power_w)} W)`);
console.log(`nvidia-smi reference         ${f(refJ)} J  (${pts.length} samples at 100 ms)`);
console.log(`difference                   ${f(diff, 2)} %`);
console.log(`idle baseline                ${f(m.provenance.gpu.baseline_w[String(gpu)])} W; above idle ${f(m.metrics.energy_above_idle_j)} J`);
console.log(`cpu_energy_j                 ${f(m.metrics.cpu_energy_j)} J (${m.provenance.cpu.source})`);
console.log(`peak_gpu_mem_mb              ${f(m.metrics.peak_gpu_mem_mb, 0)} (${m.provenance.gpu.memory_source}); peak_rss_mb ${f(m.metrics.peak_rss_mb, 0)}`);
console.log(`flags                        ${m.provenance.flags.join(', ') || 'none'}`);
console.log(Math.abs(diff) < 5 ? 'gpu-check: OK (within 5%)' : 'gpu-check: MISMATCH (over 5%)');
process.exit(Math.abs(diff) < 5 ? 0 : 1);

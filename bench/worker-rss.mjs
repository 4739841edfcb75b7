// `node bench/worker-rss.mjs [--trials N] [--out DIR]`: whether a reused built-in trainer process
// (`builtin-trainer.mjs --worker`, trainer.reuse_process) grows as it runs trial after trial, as it does
// through a night. One process runs N 1-epoch trials of the MLP on the bundled digits, cycling through
// model sizes (units 32-256, 1 or 2 layers) so the largest model is seen early; its RSS (VmRSS) and the
// live TF.js tensors the worker reports after each trial are printed every 20 trials. Needs the bundle
// (npm run build:cli). Prints a markdown table and writes it to bench/results/.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
if (process.argv.includes('--help')) {
  process.stdout.write('node bench/worker-rss.mjs [--trials N (120)] [--out DIR (bench/results)]\n');
  process.exit(0);
}
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const trials = Number(arg('--trials', '120'));
const outDir = arg('--out', path.join(root, 'bench/results'));
if (!Number.isInteger(trials) || trials < 1) {
  process.stderr.write(`--trials: a whole number ≥ 1, got ${arg('--trials')}\n`);
  process.exit(2);
}

const cache = mkdtempSync(path.join(os.tmpdir(), 'nightshift-worker-rss-'));
const worker = spawn(process.execPath, [path.join(root, 'out/trainers/builtin-trainer.mjs'), '--worker'], {
  env: { ...process.env, NIGHTSHIFT_BUILTIN: JSON.stringify({ model: 'mlp', dataset: 'mnist' }), NIGHTSHIFT_DATA_CACHE_DIR: cache },
  stdio: ['pipe', 'pipe', 'ignore'],
});
let pending = '';
let onFence = () => {};
worker.stdout.on('data', (d) => {
  pending += d;
  for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    if (line.startsWith('@nightshift-worker ')) onFence(JSON.parse(line.slice('@nightshift-worker '.length)));
  }
});
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))[1]) / 1024);

const rows = [];
const started = performance.now();
for (let k = 0; k < trials; k++) {
  const params = { units: [32, 64, 128, 256][k % 4], layers: 1 + (k % 2), batch_size: 256, lr: 0.003 };
  const env = { NIGHTSHIFT_PARAMS: JSON.stringify(params), NIGHTSHIFT_BUDGET: '1', NIGHTSHIFT_SEED: String(k) };
  const fence = await new Promise((resolve) => {
    onFence = resolve;
    worker.stdin.write(JSON.stringify({ run: { env } }) + '\n');
  });
  if (fence.exit !== 0) throw new Error(`trial ${k} exited ${fence.exit}`);
  if (k % 20 === 0 || k === trials - 1) {
    rows.push({ trial: k + 1, rss: rssMb(), tensors: fence.tensors, s: (performance.now() - started) / 1000 });
    process.stderr.write(`trial ${k + 1}: RSS ${rows.at(-1).rss} MB\n`);
  }
}
worker.stdin.end();
rmSync(cache, { recursive: true, force: true });

const stamp = new Date().toISOString().slice(0, 16).replace('T', '-').replace(':', '-');
const md = [
  `# A reused trainer process over ${trials} trials (${stamp})`,
  '',
  `\`node bench/worker-rss.mjs --trials ${trials}\` on ${os.cpus()[0]?.model ?? 'this machine'}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(2)} at the end.`,
  'One worker process, 1-epoch trials of the MLP on the bundled digits, units 32/64/128/256 and 1 or 2 layers in turn.',
  '',
  '| after trial | RSS (MB) | live tensors | seconds |',
  '|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.trial} | ${r.rss} | ${r.tensors ?? '–'} | ${r.s.toFixed(0)} |`),
  '',
].join('\n');
process.stdout.write(md);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, `${stamp}-worker-rss.md`), md);

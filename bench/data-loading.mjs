// `node bench/data-loading.mjs [--repeats N] [--out DIR]`: per-trial start-up of the built-in trainer on a
// large generated IDX set (60,000 images of 28×28, as MNIST) and a large generated CSV (60,000 rows × 40
// columns), without the study's data cache, on the trial that writes it, and on the trials that read it.
// Each trial trains one epoch on 5% of the training part, so its wall time is mostly start-up. Needs the
// trainer bundle (npm run build:cli). Prints a markdown table and writes it to bench/results/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const trainer = path.join(root, 'out/trainers/builtin-trainer.mjs');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const repeats = Number(arg('--repeats', '3'));
const outDir = arg('--out', path.join(root, 'bench/results'));

// A deterministic generator (mulberry32) so every run measures the same bytes.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeIdx(dir, n) {
  const r = rng(1);
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[8 + i] = label;
    const base = 16 + i * 784;
    for (let p = 0; p < 784; p++) images[base + p] = r() < 0.8 ? 0 : Math.floor(r() * 256);
    // A bright row whose position is the class: learnable, so the epoch is a real one.
    for (let c = 0; c < 28; c++) images[base + (2 + label * 2) * 28 + c] = 255;
  }
  writeFileSync(path.join(dir, 'images.idx'), images);
  writeFileSync(path.join(dir, 'labels.idx'), labels);
  return { idx: { images: path.join(dir, 'images.idx'), labels: path.join(dir, 'labels.idx') } };
}

function writeCsv(dir, n, cols) {
  const r = rng(2);
  const lines = [[...Array.from({ length: cols - 1 }, (_, j) => `f${j}`), 'colour', 'y'].join(',')];
  for (let i = 0; i < n; i++) {
    const f = Array.from({ length: cols - 1 }, () => (r() * 100).toFixed(3));
    const y = Number(f[0]) + Number(f[1]) > 100 ? 'a' : 'b';
    lines.push([...f, ['red', 'green', 'blue'][i % 3], y].join(','));
  }
  const file = path.join(dir, 'big.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { csv: file, target: 'y' };
}

function trial(dataset, cacheDir) {
  const env = {
    PATH: process.env.PATH,
    NIGHTSHIFT_BUILTIN: JSON.stringify({ model: 'mlp', dataset, data_fraction: 0.05 }),
    NIGHTSHIFT_PARAMS: JSON.stringify({ units: 32, layers: 1, lr: 0.01, batch_size: 128 }),
    NIGHTSHIFT_BUDGET: '1',
    NIGHTSHIFT_SEED: '1',
    ...(cacheDir ? { NIGHTSHIFT_DATA_CACHE_DIR: cacheDir } : {}),
  };
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [trainer], { env, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`trainer failed: ${r.stderr}`);
  const line = r.stderr.split('\n').find((l) => /data( cache)?:/.test(l)) ?? '';
  const ms = Number(/(?:decoded|read \S+) in (\d+) ms/.exec(line)?.[1] ?? NaN);
  const epoch = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('@nightshift ')).slice(12)).epoch_time_s;
  return { wall, dataMs: ms, epoch };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(path.join(os.tmpdir(), 'ns-bench-data-'));
const rows = [];
try {
  const sets = [
    ['IDX 60,000 × 28×28', writeIdx(work, 60000)],
    ['CSV 60,000 × 40 columns', writeCsv(work, 60000, 40)],
  ];
  for (const [name, dataset] of sets) {
    const none = Array.from({ length: repeats }, () => trial(dataset, null));
    const cacheDir = path.join(work, `cache-${rows.length}`);
    const first = trial(dataset, cacheDir);
    const hits = Array.from({ length: repeats }, () => trial(dataset, cacheDir));
    const row = (mode, runs) => ({
      dataset: name,
      mode,
      runs: runs.length,
      data_ms: median(runs.map((x) => x.dataMs)),
      wall_s: median(runs.map((x) => x.wall)),
      epoch_s: median(runs.map((x) => x.epoch)),
    });
    rows.push(row('no cache (before)', none), row('first trial: decode + write cache', [first]), row('later trials: cache hit (after)', hits));
    console.error(`${name}: done`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const load = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
const table = [
  `# Built-in trainer start-up: data cache (${new Date().toISOString().slice(0, 16)})`,
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${load} (1/5/15 min) at the end; shared with other jobs.`,
  `Each trial: 1 epoch on 5% of the training part (MLP, 32 units), so wall time is mostly start-up. Medians of ${repeats} trials (first trial: 1).`,
  '',
  '| dataset | mode | trials | data stage (ms) | trial wall time (s) | epoch (s) |',
  '|---|---|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.dataset} | ${r.mode} | ${r.runs} | ${r.data_ms} | ${r.wall_s.toFixed(2)} | ${r.epoch_s.toFixed(2)} |`),
  '',
].join('\n');
console.log(table);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, `${new Date().toISOString().slice(0, 10)}-data-loading.md`), table);

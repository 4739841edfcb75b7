// `node bench/trainer-startup.mjs [--before REF] [--repeats N] [--out DIR]`: what one process of the built-in
// trainer costs before it has trained anything. ASHA stops most trials after one epoch, so a study pays this
// fixed cost once per trial process (issue 16). The problem is the real-training benchmark's: the MLP on the
// bundled digits, with the study's data cache already written, as every trial after a study's first sees it.
//
// Each variant runs 1-epoch and 2-epoch trials, alternating with the other variant so a drifting machine
// load hits both alike. Reported per variant (medians): time to first report, CPU seconds (user + system,
// the process and its threads) of the 1-epoch trial and of the 2-epoch one, and their difference, which
// estimates one epoch; the fixed cost per process is the 1-epoch trial less that epoch. With --before REF,
// the trainer is also built from git REF (its src/, scripts/ and package.json, with this checkout's
// node_modules) and compared. Needs this checkout's bundle (npm run build:cli). Prints a markdown table and
// writes it to bench/results/.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const repeats = Number(arg('--repeats', '7'));
const before = arg('--before', null);
const outDir = arg('--out', path.join(root, 'bench/results'));

// A mid-sized configuration of the real-training space (bench/realtrain/space.ts).
const PARAMS = { layers: 1, units: 96, lr: 0.003, batch_size: 128, dropout: 0.1, activation: 'relu' };
const BUILTIN = { model: 'mlp', dataset: 'mnist', fidelity: 'epochs' };

/** One trial process: time to its first report, and its CPU seconds from the shell's `times` once it exited. */
function trial(entry, cacheDir, epochs) {
  const env = {
    PATH: process.env.PATH,
    NIGHTSHIFT_BUILTIN: JSON.stringify(BUILTIN),
    NIGHTSHIFT_PARAMS: JSON.stringify(PARAMS),
    NIGHTSHIFT_BUDGET: String(epochs),
    NIGHTSHIFT_SEED: '1',
    NIGHTSHIFT_DATA_CACHE_DIR: cacheDir,
  };
  // `times` prints the shell's and then its children's user and system time: the trainer's own accounting.
  const script = `"${process.execPath}" "$0" 1>&3; times`;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let firstReport = null;
    const child = spawn('sh', ['-c', script, entry], { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let reports = '';
    child.stdio[3].on('data', (chunk) => {
      if (firstReport === null && chunk.includes('@nightshift ')) firstReport = (performance.now() - t0) / 1000;
      reports += chunk;
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`trainer failed (exit ${code}): ${err}`));
      const children = out.trim().split('\n').at(-1) ?? '';
      const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      const stages = /startup: (.*) \(total/.exec(err)?.[1] ?? null;
      const last = JSON.parse(reports.trim().split('\n').at(-1).slice('@nightshift '.length));
      resolve({ firstReport, cpu: secs[0] + secs[1], stages, val_accuracy: last.val_accuracy });
    });
  });
}

function buildAt(ref, dir) {
  execFileSync('sh', ['-c', `git -C "${root}" archive "${ref}" src scripts package.json | tar -x -C "${dir}"`]);
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, [path.join(dir, 'scripts/build-cli.mjs')], { cwd: dir, stdio: 'inherit' });
  return path.join(dir, 'out/trainers/builtin-trainer.mjs');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(' / ');

const work = mkdtempSync(path.join(os.tmpdir(), 'ns-bench-startup-'));
const loadAtStart = loadavg();
const variants = [];
try {
  if (before) {
    mkdirSync(path.join(work, 'before'));
    variants.push({ name: `before (${before})`, entry: buildAt(before, path.join(work, 'before')) });
  }
  const head = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  variants.push({ name: `after (${head}${execFileSync('git', ['-C', root, 'status', '--porcelain', 'src'], { encoding: 'utf8' }).trim() ? '+changes' : ''})`, entry: path.join(root, 'out/trainers/builtin-trainer.mjs') });
  for (const v of variants) {
    v.cache = path.join(work, `cache-${variants.indexOf(v)}`);
    await trial(v.entry, v.cache, 1); // writes the data cache, as a study's first trial does; not counted
    v.one = [];
    v.two = [];
  }
  for (let r = 0; r < repeats; r++) {
    for (const v of variants) v.one.push(await trial(v.entry, v.cache, 1));
    for (const v of variants) v.two.push(await trial(v.entry, v.cache, 2));
    console.error(`repeat ${r + 1}/${repeats} done (load ${loadavg()})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const rows = variants.map((v) => {
  const one = median(v.one.map((x) => x.cpu));
  const two = median(v.two.map((x) => x.cpu));
  return {
    name: v.name,
    first: median(v.one.map((x) => x.firstReport)),
    one,
    two,
    epoch: two - one,
    fixed: one - (two - one),
    acc: v.one[0].val_accuracy,
    stages: v.one.map((x) => x.stages).filter(Boolean),
  };
});
const lines = [
  `# Built-in trainer: fixed cost per trial process (${new Date().toISOString().slice(0, 16)})`,
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average (1/5/15 min) ${loadAtStart} at the start, ${loadavg()} at the end; shared with other jobs.`,
  `Trial: MLP ${JSON.stringify(PARAMS)} on the bundled digits (8,000 training images), data cache already written. Medians of ${repeats} trials per cell, the variants alternating.`,
  'CPU s: user + system of the trial process. Epoch: 2-epoch trial less 1-epoch trial. Fixed cost: 1-epoch trial less one epoch.',
  '',
  '| trainer | time to first report (s) | CPU s, 1-epoch trial | CPU s, 2-epoch trial | CPU s per epoch | fixed CPU s per process | val_accuracy after 1 epoch |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.name} | ${r.first.toFixed(2)} | ${r.one.toFixed(2)} | ${r.two.toFixed(2)} | ${r.epoch.toFixed(2)} | ${r.fixed.toFixed(2)} | ${r.acc} |`),
  '',
];
const last = rows.at(-1);
if (last.stages.length) lines.push(`Start-up stages of the last variant (wall time, one trial's log line each): `, '', ...last.stages.map((s) => `- ${s}`), '');
const table = lines.join('\n');
console.log(table);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, `${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')}-trainer-startup.md`), table);

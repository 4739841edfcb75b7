// `node bench/python-reuse.mjs [--repeats 3] [--trials 12] [--out DIR]`: what a reused Python trainer process
// saves (issue 16). Runs the PyTorch example (resources/examples/torch-digits.py and .yaml: its own search
// space, GP + stop-based ASHA, 2 trials at a time, no finalists) through `nightshift run`, with
// `reuse_process: true` as shipped and with `false`, alternating so a drifting machine load hits both alike.
// Reported per variant (medians over the repeats): wall time, the trials' measured energy (the CPU estimate:
// each trial is charged its process tree's CPU time, a reused process's start-up to its first trial),
// trainer processes started, and each trial's time from launch to first report. Needs
// /usr/bin/python3 with torch and sklearn, and the CLI bundle (npm run build:cli). Prints a markdown table
// and writes it to bench/results/.
import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const repeats = Number(arg('--repeats', '3'));
const trials = Number(arg('--trials', '12'));
const outDir = arg('--out', path.join(root, 'bench/results'));
const PYTHON = '/usr/bin/python3';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function studyText(reuse) {
  const yaml = readFileSync(path.join(root, 'resources/examples/torch-digits.yaml'), 'utf8');
  return yaml
    .replace(/command: \[python3,/, `command: [${PYTHON},`)
    .replace(/reuse_process: true/, `reuse_process: ${reuse}`)
    .replace(/^budget: .*$/m, `budget: {trials: ${trials}}`)
    .replace(/^finalists: .*$/m, '')
    .replace(/^trainer:$/m, 'resources: {parallel: 2}\ntrainer:');
}

/** One study run by the CLI: wall, the trainers' CPU (children of the CLI, less the CLI's own), trials. */
function runOnce(reuse, i) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-pyreuse-'));
  try {
    copyFileSync(path.join(root, 'resources/examples/torch-digits.py'), path.join(dir, 'torch-digits.py'));
    const file = path.join(dir, 'study.yaml');
    writeFileSync(file, studyText(reuse).replace(/^name: .*$/m, `name: pyreuse-${reuse}-${i}`));
    const db = path.join(dir, 'x.db');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(root, 'bin/nightshift.mjs'), 'run', file, '--db', db, '--json'], {
      cwd: dir,
      env: { ...process.env, NIGHTSHIFT_HOME: dir },
      encoding: 'utf8',
    });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`nightshift run failed (${r.status}): ${r.stderr.slice(-2000)}`);
    const exported = JSON.parse(execFileSync(process.execPath, [path.join(root, 'bin/nightshift.mjs'), 'export', `pyreuse-${reuse}-${i}`, '--format', 'json', '--db', db], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    const rows = exported.trials;
    const energy = rows.reduce((s, t) => s + (t.values?.energy_j ?? t.metrics?.energy_j ?? 0), 0);
    const startups = rows.map((t) => t.metrics?.startup_s).filter((v) => typeof v === 'number');
    // The export leaves process ids out; the trials table has them (a reused process serves several trials).
    const sqlite = new Database(db, { readonly: true });
    const processes = sqlite.prepare('SELECT COUNT(DISTINCT pgid) AS n FROM trials WHERE pgid IS NOT NULL').get().n;
    const epochs = sqlite.prepare("SELECT COUNT(*) AS n FROM reports WHERE metric = 'val_accuracy'").get().n;
    sqlite.close();
    const best = Math.max(...rows.map((t) => t.values?.val_accuracy ?? -Infinity));
    return { wall, energy, processes, startup: median(startups), trials: rows.length, epochs, best };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' / ');
const loadStart = load();
const results = { true: [], false: [] };
for (let i = 0; i < repeats; i++) {
  for (const reuse of i % 2 === 0 ? [true, false] : [false, true]) {
    const r = runOnce(reuse, i);
    results[reuse].push(r);
    console.error(`reuse ${reuse} #${i}: ${r.trials} trials in ${r.processes} processes, ${r.epochs} epochs, best ${r.best}, ${r.wall.toFixed(1)} s wall, ${r.energy.toFixed(0)} J, startup ${r.startup?.toFixed(2)} s`);
  }
}
const row = (label, rs) => {
  const m = (k) => median(rs.map((r) => r[k]));
  return `| ${label} | ${m('trials')} | ${m('epochs')} | ${m('processes')} | ${m('wall').toFixed(1)} | ${m('energy').toFixed(0)} | ${m('startup').toFixed(2)} |`;
};
const on = results.true;
const off = results.false;
const ratio = (k) => (median(on.map((r) => r[k])) / median(off.map((r) => r[k]))).toFixed(2);
const stamp = new Date().toISOString().slice(0, 16);
const md = [
  `# Reused Python trainer processes: the PyTorch example (${stamp})`,
  '',
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; load average (1/5/15 min) ${loadStart} at the start, ${load()} at the end.`,
  `Study: resources/examples/torch-digits.yaml (GP + stop-based ASHA, epochs 2–8, eta 2), ${trials} trials, 2 at a time, no finalists, on the CPU; medians of ${repeats} runs per variant, alternating.`,
  'Energy: the trials\' own, their process trees\' CPU time ÷ cores × 65 W (a reused process\'s start-up is charged to its first trial). Start-up: a trial\'s launch to its first report (its first epoch included), median over trials.',
  '',
  '| reuse_process | trials | epochs trained | trainer processes | wall s | trial energy J | start-up s |',
  '|---|---:|---:|---:|---:|---:|---:|',
  row('true (shipped)', on),
  row('false', off),
  '',
  `Ratios true / false: wall ${ratio('wall')}×, trial energy ${ratio('energy')}×, start-up ${ratio('startup')}×.`,
  '',
].join('\n');
console.log(md);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, `${stamp.replace(/[:T]/g, '-')}-python-reuse.md`), md);

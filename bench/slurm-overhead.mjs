#!/usr/bin/env node
// Per-trial overhead of the Slurm executor against the local one: the time from the trial's start in the
// database (claimed, then launched or submitted) to its first report, for a trial that reports at once.
// Runs the real CLI twice on the same study, once per executor, trials one after another.
//
//   node bench/slurm-overhead.mjs [--trials 10] [--partition P]
//
// Needs a Slurm cluster (SLURM_CONF, or scripts/slurm-local.sh start DIR as root) and the CLI bundle
// (npm run build:cli).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const root = path.resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const trials = Number(arg('trials', '10'));
const partition = arg('partition', null);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-slurm-bench-'));
writeFileSync(path.join(dir, 'trial.mjs'), `console.log('@nightshift ' + JSON.stringify({ step: 1, score: Math.random() }));\n`);

function run(executor) {
  const name = `overhead-${executor}`;
  const file = path.join(dir, `${name}.yaml`);
  const exec = executor === 'slurm' ? `{type: slurm, max_jobs: 1${partition ? `, partition: ${partition}` : ''}}` : 'local';
  writeFileSync(
    file,
    `name: ${name}
trainer: {command: [node, trial.mjs]}
search_space: {x: {type: float, low: 0, high: 1}}
objectives: [{metric: score, direction: maximize}]
sampler: random
budget: {trials: ${trials}}
resources: {parallel: 1}
executor: ${exec}
`,
  );
  const db = path.join(dir, 'bench.db');
  writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ idle_seconds: 0 }));
  execFileSync(process.execPath, [path.join(root, 'bin/nightshift.mjs'), 'run', file, '--db', db], {
    env: { ...process.env, NIGHTSHIFT_HOME: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const sqlite = new Database(db, { readonly: true });
  const rows = sqlite
    .prepare(
      `SELECT t.started_at AS started, MIN(r.at) AS first FROM trials t JOIN studies s ON s.id = t.study_id
       JOIN reports r ON r.trial_id = t.id WHERE s.name = ? GROUP BY t.id`,
    )
    .all(name);
  sqlite.close();
  return rows.map((r) => (Date.parse(r.first) - Date.parse(r.started)) / 1000).sort((a, b) => a - b);
}

const stats = (xs) => ({
  n: xs.length,
  median: xs[Math.floor(xs.length / 2)],
  mean: xs.reduce((a, b) => a + b, 0) / xs.length,
  max: xs[xs.length - 1],
});
const results = { local: stats(run('local')), slurm: stats(run('slurm')) };
console.log(`start -> first report, ${trials} trials each, one at a time (seconds)`);
console.log('executor  trials  median   mean    max');
for (const [k, s] of Object.entries(results)) {
  console.log(`${k.padEnd(8)}  ${String(s.n).padStart(6)}  ${s.median.toFixed(3).padStart(6)}  ${s.mean.toFixed(3).padStart(6)}  ${s.max.toFixed(3).padStart(6)}`);
}
console.log(`Slurm overhead per trial (median): ${(results.slurm.median - results.local.median).toFixed(3)} s`);

// `npm run bench -- --only realtrain-same-config [--problem digits] [--trials 30]`: one configuration of the
// realtrain space trained again and again (4 epochs each) in one reused built-in trainer process, one trial
// at a time; prints each trial's start-up and steady epoch time (its 2nd to last report). Whether a process
// that has run many trials gets slower (issue 16: reused processes are the default) is read from the column.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Campaign } from '../../src/main/engine/campaign/campaign.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../src/main/engine/study/spec.js';
import { arg } from './args.js';
import { loadProblem } from './problems.js';

const name = arg('problem') ?? 'digits';
const trials = Number(arg('trials') ?? 30);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-same-config-'));
const real = loadProblem(name, path.join(dir, 'data'), path.resolve('bench'));
const file = path.join(dir, 'study.yaml');
// Ranges a hair wide: the sampler never repeats a configuration, and these train as one.
writeFileSync(
  file,
  `name: same-config
trainer:
  builtin: ${JSON.stringify(real.builtin)}
  timeout: 10m
search_space:
  layers: {type: categorical, choices: [2]}
  units: {type: categorical, choices: [200]}
  lr: {type: float, low: 1.0e-3, high: 1.0001e-3}
  batch_size: {type: categorical, choices: [96]}
  dropout: {type: float, low: 0.1, high: 0.1001}
  activation: {type: categorical, choices: [relu]}
objectives:
  - {metric: val_accuracy, direction: maximize}
fidelity: {param: epochs, min: 1, max: 4, eta: 3}
sampler: {type: random}
scheduler: {type: none}
budget: {trials: ${trials}}
resources: {parallel: 1}
seed: 1
`,
);
const store = openStore(path.join(dir, 'study.db'));
const campaign = Campaign.open({ store, spec: loadStudyFile(file, STRATEGIES), artifacts: dir });
await campaign.run();
console.log(`${name}: one configuration, ${trials} trials of 4 epochs in one reused process`);
for (const t of store.trials(campaign.study.id)) {
  const at = store.reports(t.id).map((r) => Date.parse(r.at));
  const steady = at.length > 2 ? (at[at.length - 1]! - at[1]!) / (at.length - 2) : NaN;
  console.log(`trial ${String(t.number).padStart(3)}: start-up ${t.metrics.startup_s?.toFixed(2)} s, steady epoch ${steady.toFixed(0)} ms`);
}
store.close();
rmSync(dir, { recursive: true, force: true });

// A real two-objective study for API, server and end-to-end tests: a tiny Node trial script in a temp dir.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.js';

// (Not `cost`: that name is a metric Nightshift measures, and a measured value replaces a reported one.)
// acc rises with x, loss grows with x² and y: trials trade one for the other, so the front has several points.
const TRIAL_SCRIPT = `
const arg = (k) => Number(process.argv[process.argv.indexOf('--' + k) + 1]);
const x = arg('x'), y = arg('y'), delay = arg('delay');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let step = 1; step <= 3; step++) {
  await sleep(delay);
  console.log('epoch ' + step + ' of trial ' + process.env.NIGHTSHIFT_TRIAL_ID + ' x=' + x);
  const acc = x * step / 3;
  console.log('@nightshift ' + JSON.stringify({ step, acc, loss: x * x + y }));
}
console.error('done with x=' + x);
`;

export interface StudyFixture {
  dir: string;
  file: string;
  db: string;
}

export function writeStudy(opts: { name: string; trials: number; delayMs: number; parallel?: number; dir?: string }): StudyFixture {
  const dir = opts.dir ?? tempDir('nightshift-api-');
  writeFileSync(path.join(dir, 'trial.mjs'), TRIAL_SCRIPT);
  const file = path.join(dir, `${opts.name}.yaml`);
  writeFileSync(
    file,
    `name: ${opts.name}
trainer:
  command: [node, trial.mjs, --x, "{x}", --y, "{y}", --delay, "${opts.delayMs}"]
  timeout: 1m
  kill_grace: 2s
search_space:
  x: {type: float, low: 0, high: 1}
  y: {type: float, low: 0, high: 1}
objectives:
  - {metric: acc, direction: maximize}
  - {metric: loss, direction: minimize}
sampler: {type: random}
budget: {trials: ${opts.trials}}
resources: {parallel: ${opts.parallel ?? 2}}
seed: 7
`,
  );
  return { dir, file, db: path.join(dir, 'nightshift.db') };
}

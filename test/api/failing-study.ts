// A real study whose trials fail for two different reasons (the morning summary groups them), with a
// baseline: a tiny Node trial script in a given folder.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

// x > 0.75 diverges (its own value in the message, so no two reasons are equal); y > 0.85 runs out of memory.
const TRIAL = `
const arg = (k) => Number(process.argv[process.argv.indexOf('--' + k) + 1]);
const x = arg('x'), y = arg('y');
await new Promise((r) => setTimeout(r, 30));
if (x > 0.75) { console.error('loss diverged at x=' + x.toFixed(4) + ' after 3 epochs'); process.exit(1); }
if (y > 0.85) { console.error('CUDA out of memory'); process.exit(3); }
for (let step = 1; step <= 3; step++) console.log('@nightshift ' + JSON.stringify({ step, acc: x * step / 3 }));
`;

export function failingStudy(dir: string, trials = 24): { file: string; db: string } {
  writeFileSync(path.join(dir, 'trial.mjs'), TRIAL);
  const file = path.join(dir, 'morning.yaml');
  writeFileSync(
    file,
    `name: morning
trainer: {command: [node, trial.mjs, --x, "{x}", --y, "{y}"], timeout: 1m}
search_space:
  x: {type: float, low: 0, high: 1}
  y: {type: float, low: 0, high: 1}
objectives: [{metric: acc, direction: maximize}]
sampler: {type: random}
baseline: {x: 0.3, y: 0.2}
budget: {trials: ${trials}}
resources: {parallel: 2}
seed: 11
`,
  );
  return { file, db: path.join(dir, 'nightshift.db') };
}


// The study with a planted lucky configuration that the finalists tests share: four configurations searched
// once each by test/fixtures/trials/noisy_config.py, where "lucky" (also the baseline) scores far above its
// mean on the first search trial's seed only, then the top three re-run with three seeds each.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TRIAL = path.resolve(import.meta.dirname, '../fixtures/trials/noisy_config.py');

/** Writes `noisy.yaml` (and the trial script beside it) into `dir`; returns the study file. */
export function noisyStudy(dir: string): string {
  copyFileSync(TRIAL, path.join(dir, 'noisy_config.py'));
  const file = path.join(dir, 'noisy.yaml');
  writeFileSync(
    file,
    `name: noisy
trainer:
  command: [/usr/bin/python3, noisy_config.py]
search_space:
  config: {type: categorical, choices: [lucky, good, mid, bad]}
objectives:
  - {metric: acc, direction: maximize}
sampler: {type: grid}
budget: {trials: 4}
baseline: {config: lucky}
finalists: {top: 3, seeds: 3}
seed: 5
`,
  );
  return file;
}

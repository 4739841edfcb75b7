// The study the finalists tests share: three configurations (good, mid, bad) searched in bf16 and validated
// at fp32 by test/fixtures/trials/precision_config.py, which accuracy depends on config, precision and seed.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TRIAL = path.resolve(import.meta.dirname, '../fixtures/trials/precision_config.py');

/** Writes `prec.yaml` (and the trial script beside it) into `dir`; `budget` is the budget mapping's body. */
export function precisionStudy(dir: string, budget: string): string {
  copyFileSync(TRIAL, path.join(dir, 'precision_config.py'));
  const file = path.join(dir, 'prec.yaml');
  writeFileSync(
    file,
    `name: prec
trainer:
  command: [/usr/bin/python3, precision_config.py]
search_space:
  config: {type: categorical, choices: [good, mid, bad]}
  precision: {type: categorical, choices: [bf16]}
objectives:
  - {metric: acc, direction: maximize}
sampler: {type: grid}
budget: {${budget}}
finalists: {top: 2, seeds: 3, overrides: {precision: fp32}}
seed: 3
`,
  );
  return file;
}

// A stored study written back as a study file parses to the same spec: "duplicate and edit" loses nothing.
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../../src/main/engine/study/spec.js';
import { durationText, energyText, studyFileOf } from '../../../src/main/engine/study/to-file.js';

const FULL = `
name: full
trainer:
  command: [python3, train.py, --lr, "{lr}", --epochs, "{epochs}"]
  timeout: 20m
  kill_grace: 5s
  cwd: sub
  env: {OMP_NUM_THREADS: "2"}
search_space:
  lr: {type: float, low: 1.0e-4, high: 0.1, log: true}
  units: {type: int, low: 16, high: 512, step: 16}
  dropout: {type: float, low: 0, high: 0.5, step: 0.1}
  optimizer: {type: categorical, choices: [adam, sgd]}
  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: sgd}}
objectives:
  - {metric: val_accuracy, direction: maximize}
  - {metric: energy_j, direction: minimize}
constraints: [{metric: peak_gpu_mem_mb, max: 8000}, {metric: val_loss, min: 0, max: 3}]
fidelity: {param: epochs, min: 2, max: 54, eta: 3}
sampler: {type: gp, n_startup: 8}
scheduler: {type: asha}
budget: {trials: 200, wall_time: 1h30m, energy: 2kWh, deadline: "07:00"}
resources: {gpus: [0, 2], trials_per_gpu: 2, allow_busy_gpus: true}
baseline: {lr: 0.001, units: 64, dropout: 0.2, optimizer: adam}
warm_start: {study: older, db: other.db, top: 3, early_stop: true}
seed: 42
retries: 2
`;

describe('studyFileOf', () => {
  it('round-trips every part of a study file through YAML and the parser', () => {
    const spec = parseStudyText(FULL, { file: '/data/studies/full.yaml', format: 'yaml', strategies: STRATEGIES });
    const file = studyFileOf(spec);
    // Saved elsewhere, it still points at the same folder, database and units.
    const again = parseStudyText(stringify(file), { file: '/elsewhere/copy.yaml', format: 'yaml', strategies: STRATEGIES });
    expect(again).toEqual(spec);
    expect(file.budget).toEqual({ trials: 200, wall_time: '90m', energy: '2kWh', deadline: '07:00' });
    expect((file.trainer as { cwd: string }).cwd).toBe(path.resolve('/data/studies/sub'));
  });

  it('writes units in the largest exact unit and plain numbers otherwise', () => {
    expect([durationText(7200), durationText(90), durationText(86_400 * 2), durationText(0.5)]).toEqual(['2h', '90s', '2d', 0.5]);
    expect([energyText(7.2e6), energyText(3600), energyText(1500), energyText(0.25)]).toEqual(['2kWh', '1Wh', '1500J', 0.25]);
  });
});

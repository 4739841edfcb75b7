// The new-study form's model without a browser: a stored study shown in the form ("duplicate and edit")
// and written back gives the same study file, and that file passes the engine's validator as the same spec.
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../src/main/engine/study/spec.js';
import { studyFileOf } from '../../src/main/engine/study/to-file.js';
import { buildStudy, emptyForm, formFromStudy, joinCommand, splitCommand, studyYaml } from '../../src/renderer/src/lib/study-form.js';

const FULL = `
name: full
trainer:
  command: [python3, "my train.py", --lr, "{lr}", --epochs, "{epochs}"]
  timeout: 20m
  kill_grace: 5s
  cwd: /data/sub
  env: {OMP_NUM_THREADS: "2"}
search_space:
  lr: {type: float, low: 1.0e-4, high: 0.1, log: true}
  units: {type: int, low: 16, high: 512, step: 16}
  dropout: {type: float, low: 0, high: 0.5, step: 0.1}
  optimizer: {type: categorical, choices: [adam, sgd, rmsprop]}
  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: [sgd, rmsprop]}}
objectives:
  - {metric: val_accuracy, direction: maximize}
  - {metric: energy_j, direction: minimize}
constraints: [{metric: peak_gpu_mem_mb, max: 8000}]
fidelity: {param: epochs, min: 2, max: 54, eta: 3}
sampler: {type: gp, n_startup: 8, candidates: 512}
scheduler: {type: median, n_warmup_steps: 2}
budget: {trials: 200, wall_time: 8h, energy: 2kWh, deadline: "07:00"}
resources: {gpus: [0, 2], trials_per_gpu: 2}
baseline: {lr: 0.001, units: 64, dropout: 0.2, optimizer: adam}
warm_start: {study: older, db: /data/other.db, top: 3, prior: true, early_stop: true}
seed: 42
retries: 2
`;

describe('study form', () => {
  it('duplicates a stored study exactly: form → YAML → the engine parser gives the same spec', () => {
    const spec = parseStudyText(FULL, { file: '/data/full.yaml', format: 'yaml', strategies: STRATEGIES });
    const file = studyFileOf(spec);
    const form = formFromStudy(file);
    expect(buildStudy(form)).toEqual(file);
    expect(parseStudyText(studyYaml(form), { file: '/data/copy.yaml', format: 'yaml', strategies: STRATEGIES })).toEqual(spec);
  });

  it('a built-in trainer round-trips through its YAML box', () => {
    const text = 'name: b\ntrainer: {builtin: {model: mlp, dataset: mnist, epochs: 3}}\nsearch_space: {lr: {type: float, low: 0.001, high: 0.1}}\nobjectives: [{metric: val_accuracy, direction: maximize}]\n';
    const file = studyFileOf(parseStudyText(text, { file: '/x/b.yaml', format: 'yaml', strategies: STRATEGIES }));
    const form = formFromStudy(file);
    expect(form.trainerKind).toBe('builtin');
    expect(buildStudy(form)).toEqual(file);
  });

  it('keeps quoted arguments together and writes them back quoted', () => {
    expect(splitCommand(`python3 "my train.py" --name 'a b' {lr}`)).toEqual(['python3', 'my train.py', '--name', 'a b', '{lr}']);
    expect(splitCommand(joinCommand(['a b', 'c', 'say "hi"']))).toEqual(['a b', 'c', 'say "hi"']);
  });

  it('the empty form is a valid study', () => {
    expect(() => parseStudyText(stringify(buildStudy(emptyForm())), { file: '/x/s.yaml', format: 'yaml', strategies: STRATEGIES })).not.toThrow();
  });
});

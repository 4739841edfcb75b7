import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { describeSpecChange, specHash } from '../../../src/main/engine/study/spec-hash.js';
import type { StudySpec } from '../../../src/main/engine/study/types.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-spec-hash-'));
let count = 0;

function load(yaml: string): StudySpec {
  const file = path.join(dir, `study-${count++}.yaml`);
  writeFileSync(file, yaml);
  return loadStudyFile(file, STRATEGIES);
}

const base = `
name: hashed
trainer: {command: [python3, train.py, "{lr}", "{epochs}"]}
search_space:
  lr: {type: float, low: 1.0e-4, high: 0.1, log: true}
  optimizer: {type: categorical, choices: [adam, sgd]}
  momentum: {type: float, low: 0.5, high: 0.99, when: {optimizer: sgd}}
objectives:
  - {metric: val_loss, direction: minimize}
fidelity: {param: epochs, min: 1, max: 9}
budget: {trials: 10}
`;

describe('specHash', () => {
  const original = load(base);

  it('is a sha256 hex digest', () => {
    expect(specHash(original)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores key order and number spelling', () => {
    const reordered = load(`
objectives:
  - {direction: minimize, metric: val_loss}
budget: {trials: 10}
search_space:
  momentum: {when: {optimizer: [sgd]}, high: 0.99, low: 0.5, type: float}
  optimizer: {choices: [adam, sgd], type: categorical}
  lr: {log: true, high: 1.0e-1, low: 0.0001, type: float}
fidelity: {eta: 3, max: 9, min: 1, param: epochs}
trainer: {command: [python3, train.py, "{lr}", "{epochs}"]}
name: hashed
`);
    expect(specHash(reordered)).toBe(specHash(original));
    expect(describeSpecChange(original, reordered)).toBeNull();
  });

  it('ignores what may change on resume: budget, sampler, trainer, seed, parallelism', () => {
    const resumed = load(
      base.replace('budget: {trials: 10}', 'budget: {trials: 50, wall_time: 8h}\nsampler: sobol\nseed: 7\nresources: {parallel: 4}')
        .replace('train.py', 'train2.py'),
    );
    expect(specHash(resumed)).toBe(specHash(original));
    expect(describeSpecChange(original, resumed)).toBeNull();
  });

  it.each([
    ['a bound', ['high: 0.1,', 'high: 0.5,'], 'search_space.lr.high changed from 0.1 to 0.5'],
    ['log scale', ['log: true}', 'log: false}'], 'search_space.lr.log changed from true to false'],
    ['a choice', ['[adam, sgd]', '[adam, sgd, rmsprop]'], 'search_space.optimizer.choices changed from ["adam","sgd"] to ["adam","sgd","rmsprop"]'],
    ['a condition', ['when: {optimizer: sgd}', ''], 'search_space.momentum.when was removed'],
    ['a direction', ['direction: minimize', 'direction: maximize'], 'objectives[0].direction changed from minimize to maximize'],
    ['the objective metric', ['metric: val_loss', 'metric: val_acc'], 'objectives[0].metric changed from val_loss to val_acc'],
    ['the fidelity range', ['max: 9}', 'max: 27}'], 'fidelity.max changed from 9 to 27'],
  ])('changes with %s, and says how', (_what, [from, to], sentence) => {
    const next = load(base.replace(from!, to!));
    expect(specHash(next)).not.toBe(specHash(original));
    expect(describeSpecChange(original, next)).toBe(sentence);
  });

  it('names added and removed parameters and sections', () => {
    const added = load(base.replace('objectives:', '  dropout: {type: float, low: 0, high: 0.5}\nobjectives:'));
    expect(describeSpecChange(original, added)).toBe('search_space.dropout was added');
    expect(describeSpecChange(added, original)).toBe('search_space.dropout was removed');
    const noFidelity = load(base.replace('fidelity: {param: epochs, min: 1, max: 9}', '').replace(', "{epochs}"', ''));
    expect(describeSpecChange(noFidelity, original)).toBe('fidelity was added');
    expect(describeSpecChange(original, noFidelity)).toBe('fidelity was removed');
  });

  it('counts further changes', () => {
    const next = load(base.replace('high: 0.1,', 'high: 0.5,').replace('high: 0.99,', 'high: 0.9,'));
    expect(describeSpecChange(original, next)).toBe('search_space.lr.high changed from 0.1 to 0.5 (and 1 more change)');
  });
});

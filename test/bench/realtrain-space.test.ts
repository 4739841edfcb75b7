// The real-training benchmark's study files: the built-in problems' and the PyTorch command problem's
// (torch_digits) both parse as the engine reads them, with the trainer, space and reuse each side expects.
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { parseStudyText } from '../../src/main/engine/study/spec.js';
import { SPACE, studyYaml, type Problem } from '../../bench/realtrain/space.js';

const base: Problem = { builtin: { model: 'mlp', dataset: 'mnist' }, metric: 'val_accuracy', minEpochs: 1, maxEpochs: 9, eta: 3, epochBudget: 60, parallel: 2 };
const parse = (yaml: string) => parseStudyText(yaml, { file: '/bench/study.yaml', format: 'yaml', strategies: STRATEGIES });

describe('realtrain study files', () => {
  it('a built-in problem: the MLP space, reused processes unless asked otherwise', () => {
    const spec = parse(studyYaml(base, { name: 'b', sampler: 'gp', scheduler: 'asha', mode: 'stop', seed: 1 }));
    expect(spec.trainer).toMatchObject({ kind: 'builtin', reuse_process: true });
    expect(Object.keys(spec.search_space)).toEqual(Object.keys(SPACE));
    const fresh = parse(studyYaml(base, { name: 'b', sampler: 'gp', scheduler: 'asha', mode: 'stop', seed: 1, reuseProcess: false }));
    expect(fresh.trainer).toMatchObject({ kind: 'builtin', reuse_process: false });
  });

  it('a command problem: its argv, folder, environment and space, reused unless asked otherwise', () => {
    const command = { argv: ['/usr/bin/python3', 't.py', '--lr', '{lr}', '--epochs', '{epochs}'], cwd: '/data/torch', env: { OMP_NUM_THREADS: '1' } };
    const p: Problem = { ...base, command, space: { lr: { type: 'float', low: 1e-4, high: 0.03, log: true } } };
    const spec = parse(studyYaml(p, { name: 'c', sampler: 'gp', scheduler: 'asha', mode: 'stop', seed: 1 }));
    expect(spec.trainer).toEqual({ kind: 'command', command: command.argv, cwd: '/data/torch', env: { OMP_NUM_THREADS: '1' }, timeout_s: 600, reuse_process: true });
    expect(Object.keys(spec.search_space)).toEqual(['lr']);
    const fresh = parse(studyYaml(p, { name: 'c', sampler: 'gp', scheduler: 'asha', mode: 'stop', seed: 1, reuseProcess: false }));
    expect(fresh.trainer).not.toHaveProperty('reuse_process');
  });
});

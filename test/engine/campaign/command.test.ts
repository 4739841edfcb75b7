// A trial command: the rung steps a reused process (the built-in trainer, or a Python script's
// nightshift.run) waits at come from this study only.
import { afterEach, describe, expect, it } from 'vitest';
import { buildTrialCommand } from '../../../src/main/engine/campaign/command.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { mergedEnv } from '../../../src/main/engine/runner/process.js';
import { parseStudySpec } from '../../../src/main/engine/study/spec.js';

const spec = parseStudySpec(
  {
    name: 'cmd',
    trainer: { builtin: { model: 'mlp', dataset: { csv: 'data.csv', target: 'y' } } },
    search_space: { lr: { type: 'float', low: 0.001, high: 0.1, log: true } },
    objectives: [{ metric: 'val_accuracy', direction: 'maximize' }],
  },
  { file: 'study.yaml', strategies: STRATEGIES },
);
const pythonSpec = parseStudySpec(
  {
    name: 'cmd',
    trainer: { command: ['python3', 'train.py', '--lr', '{lr}'], reuse_process: true },
    search_space: { lr: { type: 'float', low: 0.001, high: 0.1, log: true } },
    objectives: [{ metric: 'val_accuracy', direction: 'maximize' }],
  },
  { file: 'study.yaml', strategies: STRATEGIES },
);
const command = (rungSteps?: number[], s = spec) =>
  buildTrialCommand({ spec: s, studyName: 'cmd', trialId: 1, trialNumber: 0, params: { lr: 0.01 }, budget: 9, seed: 1, paramsFile: '/tmp/p.json', checkpointDir: '/tmp/c', owner: 'o', trialToken: 't', cudaVisibleDevices: null, rungSteps });

afterEach(() => {
  delete process.env.NIGHTSHIFT_RUNG_STEPS;
});

describe('the rung steps of a trial command', () => {
  it('names the stop-based rungs to wait at, for the built-in trainer and for a command', () => {
    expect(command([1, 3]).env.NIGHTSHIFT_RUNG_STEPS).toBe('1,3');
    expect(command([1, 3], pythonSpec).env.NIGHTSHIFT_RUNG_STEPS).toBe('1,3');
  });

  it('overrides a value inherited from the engine’s own environment (an engine inside another study’s trial)', () => {
    process.env.NIGHTSHIFT_RUNG_STEPS = '1,3';
    // What the trainer process gets: empty, which it reads as unset (no waits).
    expect(mergedEnv(command().env).NIGHTSHIFT_RUNG_STEPS).toBe('');
    expect(mergedEnv(command(undefined, pythonSpec).env).NIGHTSHIFT_RUNG_STEPS).toBe('');
  });
});

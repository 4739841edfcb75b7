import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';

const examples = path.resolve(import.meta.dirname, '../../../resources/examples');

describe('the finalists key of a study file', () => {
  it('reads the PyTorch example: fp32 and more epochs for three configurations, three seeds each', () => {
    const spec = loadStudyFile(path.join(examples, 'torch-digits.yaml'), STRATEGIES);
    expect(spec.finalists).toEqual({ top: 3, seeds: 3, overrides: { precision: 'fp32', epochs: 12 }, folds: null, objective: null });
  });

  it('is null when the study has none', () => {
    expect(loadStudyFile(path.join(examples, 'python-logistic.yaml'), STRATEGIES).finalists).toBeNull();
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { tempDir } from '../../helpers/cli.js';
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

  it('refuses a precision override for the built-in TF.js trainer (float32 only), naming the key and the fix', () => {
    const file = path.join(tempDir(), 'tfjs.yaml');
    const demo = readFileSync(path.join(examples, 'demo-mnist.yaml'), 'utf8');
    writeFileSync(file, `${demo}\nfinalists: {top: 2, seeds: 2, overrides: {precision: fp32, epochs: 12}}\n`);
    let error: unknown;
    try {
      loadStudyFile(file, STRATEGIES);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StudySpecError);
    expect((error as StudySpecError).issues).toEqual([
      {
        path: 'finalists.overrides.precision',
        message:
          'the built-in TF.js trainer trains in float32 only (no fp16, bf16 or mixed precision), so its finalists cannot change precision; remove this override, or use a command trainer that has a precision option (resources/examples/torch-digits.yaml)',
      },
    ]);
    // Without the precision override the same study is valid: more epochs is an override TF.js can take.
    writeFileSync(file, `${demo}\nfinalists: {top: 2, seeds: 2, overrides: {epochs: 12}}\n`);
    expect(loadStudyFile(file, STRATEGIES).finalists?.overrides).toEqual({ epochs: 12 });
  });
});

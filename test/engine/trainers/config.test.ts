import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBuiltinPaths, validateBuiltinConfig } from '../../../src/main/engine/trainers/config.js';
import { builtinParamNames, parseModelParams } from '../../../src/main/engine/trainers/params.js';

function issue(cfg: unknown): { path: string; message: string } {
  const r = validateBuiltinConfig(cfg);
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(cfg)}`);
  return { path: r.path, message: r.message };
}

describe('validateBuiltinConfig', () => {
  it('fills defaults for the demo mapping', () => {
    const r = validateBuiltinConfig({ model: 'mlp', dataset: 'mnist', fidelity: 'epochs' });
    expect(r).toEqual({
      ok: true,
      config: {
        model: 'mlp',
        dataset: { kind: 'mnist' },
        fidelity: 'epochs',
        epochs: 10,
        data_fraction: 1,
        validation_fraction: 0.2,
        cv: null,
        split_seed: 0,
      },
    });
  });

  it('reads a CSV dataset with its options', () => {
    const r = validateBuiltinConfig({ dataset: { csv: '/d/x.csv', target: 'y', task: 'regression', categorical: ['c'], ignore: ['id'], delimiter: ';' }, cv: 5 });
    expect(r.ok && r.config.dataset).toEqual({ kind: 'csv', path: '/d/x.csv', target: 'y', task: 'regression', categorical: ['c'], ignore: ['id'], delimiter: ';' });
    expect(r.ok && r.config.cv).toBe(5);
    expect(r.ok && r.config.model).toBe('mlp');
  });

  it('names the key and the fix for each mistake', () => {
    expect(issue({ dataset: { csv: 'a.csv' } })).toEqual({
      path: 'trainer.builtin.dataset.target',
      message: 'required: the name of the CSV column to predict, e.g. target: label',
    });
    expect(issue({ model: 'resnet', dataset: 'mnist' })).toEqual({ path: 'trainer.builtin.model', message: 'must be mlp or cnn, got "resnet"' });
    expect(issue({ model: 'mlp' }).path).toBe('trainer.builtin.dataset');
    expect(issue({ dataset: 'cifar' }).message).toContain('unknown dataset "cifar"');
    expect(issue({ dataset: 'mnist', cv: 1 })).toEqual({ path: 'trainer.builtin.cv', message: 'must be an integer from 2 to 50 (folds), got 1' });
    expect(issue({ dataset: 'mnist', fidelity: 'steps' }).path).toBe('trainer.builtin.fidelity');
    expect(issue({ dataset: 'mnist', lr: 0.1 })).toMatchObject({ path: 'trainer.builtin.lr', message: expect.stringContaining('unknown key; known keys: model, dataset') });
    expect(issue({ dataset: { idx: { images: 'i' } } }).path).toBe('trainer.builtin.dataset.idx.labels');
    expect(issue({ model: 'cnn', dataset: { csv: 'a.csv', target: 'y' } }).message).toContain('cnn needs image data');
    expect(issue('mlp').path).toBe('trainer.builtin');
  });

  it('explains that reduced precision does not exist in TF.js', () => {
    expect(issue({ dataset: 'mnist', precision: 'fp16' })).toEqual({
      path: 'trainer.builtin.precision',
      message: 'TF.js trains in float32 only (no fp16, bf16 or mixed precision); remove this key',
    });
  });
});

describe('resolveBuiltinPaths', () => {
  it('makes dataset paths absolute against the study folder and leaves the rest alone', () => {
    const base = path.resolve('/studies/a');
    expect(resolveBuiltinPaths({ model: 'mlp', dataset: { csv: 'data/x.csv', target: 'y' } }, base)).toEqual({
      model: 'mlp',
      dataset: { csv: path.join(base, 'data/x.csv'), target: 'y' },
    });
    expect(resolveBuiltinPaths({ dataset: { idx: { images: 'i.idx', labels: '/abs/l.idx' } } }, base)).toEqual({
      dataset: { idx: { images: path.join(base, 'i.idx'), labels: '/abs/l.idx' } },
    });
    expect(resolveBuiltinPaths({ dataset: 'mnist' }, base)).toEqual({ dataset: 'mnist' });
  });
});

describe('parseModelParams', () => {
  it('applies the documented defaults', () => {
    expect(parseModelParams('mlp', {})).toEqual({
      model: 'mlp', layers: 2, units: 128, activation: 'relu', dropout: 0, l2: 0, optimizer: 'adam', lr: 0.001, momentum: 0.9, batch_size: 128,
    });
    expect(parseModelParams('cnn', { filters: 8 })).toMatchObject({ model: 'cnn', conv_layers: 2, filters: 8, kernel: 3, dense_units: 64 });
  });

  it('rejects unknown names, bad values and precision with the parameter named', () => {
    expect(() => parseModelParams('mlp', { lerning_rate: 0.1 })).toThrow(/^NIGHTSHIFT_PARAMS\.lerning_rate: not a hyperparameter of the built-in mlp; known: layers, units/);
    expect(() => parseModelParams('mlp', { activation: 'sigmoid' })).toThrow('NIGHTSHIFT_PARAMS.activation: must be one of relu, tanh, elu, got "sigmoid"');
    expect(() => parseModelParams('mlp', { units: 12.5 })).toThrow(/NIGHTSHIFT_PARAMS\.units: must be an integer/);
    expect(() => parseModelParams('mlp', { lr: 0 })).toThrow(/NIGHTSHIFT_PARAMS\.lr: must be a number > 0/);
    expect(() => parseModelParams('mlp', { precision: 'fp16' })).toThrow(/float32 only/);
    expect(builtinParamNames('mlp')).toContain('epochs');
  });
});

// Real training on the wasm backend with small synthetic data (a few seconds in all).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeLoadError, detectBackend, initBackend } from '../../../src/main/engine/trainers/backend.js';
import { validateBuiltinConfig, type BuiltinConfig } from '../../../src/main/engine/trainers/config.js';
import { crossValidate } from '../../../src/main/engine/trainers/crossval.js';
import { loadCsv } from '../../../src/main/engine/trainers/data/csv.js';
import { parseModelParams } from '../../../src/main/engine/trainers/params.js';
import { runTrial, type Report } from '../../../src/main/engine/trainers/trial.js';
import { writeSynthetic } from './synthetic.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-trainer-train-'));
const classFile = writeSynthetic(path.join(dir, 'classes.csv'), 900, 21);
const regFile = writeSynthetic(path.join(dir, 'reg.csv'), 600, 22, 'regression');

function config(raw: Record<string, unknown>): BuiltinConfig {
  const r = validateBuiltinConfig(raw);
  if (!r.ok) throw new Error(`${r.path}: ${r.message}`);
  return r.config;
}

async function train(cfg: BuiltinConfig, params: Record<string, unknown>, epochs: number, seed = 1): Promise<Report[]> {
  const reports: Report[] = [];
  await runTrial({
    config: cfg,
    params: parseModelParams(cfg.model, params),
    seed,
    epochs,
    dataFraction: cfg.data_fraction,
    checkpointDir: null,
    backend: 'test',
    report: (r) => reports.push(r),
    log: () => {},
  });
  return reports;
}

beforeAll(async () => {
  await initBackend('mlp');
});

describe('backend', () => {
  it('uses wasm here and says why the native backends were skipped', async () => {
    const info = await detectBackend();
    expect(info.backend).toBe('wasm');
    expect(info.fallbacks).toEqual(['tfjs-node-gpu: not installed', 'tfjs-node: not installed']);
    expect(info.summary).toBe('wasm (tfjs-node-gpu: not installed; tfjs-node: not installed)');
  });

  it('names the missing CUDA library from a dlopen failure', () => {
    const err = new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');
    expect(describeLoadError('@tensorflow/tfjs-node-gpu', err)).toBe('libcudart.so.11.0 missing or not loadable');
  });
});

describe('MLP on tabular data', () => {
  it('beats the majority-class baseline by a clear margin and reports every epoch', async () => {
    const data = loadCsv({ kind: 'csv', path: classFile, target: 'y', task: null, categorical: [], ignore: [], delimiter: ',' });
    const counts = [0, 0, 0];
    data.y.forEach((c) => counts[c]!++);
    const baseline = Math.max(...counts) / data.n;
    const reports = await train(config({ dataset: { csv: classFile, target: 'y' } }), { units: 64, lr: 0.01, batch_size: 32 }, 15);
    expect(reports.map((r) => r.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const last = reports.at(-1)!;
    expect(Object.keys(last).sort()).toEqual(['epoch_time_s', 'step', 'train_loss', 'val_accuracy', 'val_loss']);
    expect(last.val_accuracy).toBeGreaterThan(baseline + 0.3);
    expect(last.train_loss).toBeLessThan(reports[0]!.train_loss!);
  });

  it('is identical for the same seed and different for another seed', async () => {
    const cfg = config({ dataset: { csv: classFile, target: 'y' } });
    const params = { units: 32, dropout: 0.3, l2: 1e-4, optimizer: 'rmsprop', batch_size: 64 };
    const strip = (rs: Report[]): Report[] => rs.map(({ epoch_time_s: _t, ...r }) => r);
    const a = strip(await train(cfg, params, 3, 5));
    const b = strip(await train(cfg, params, 3, 5));
    const c = strip(await train(cfg, params, 3, 6));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('regression beats predicting the training mean', async () => {
    const reports = await train(config({ dataset: { csv: regFile, target: 'y' } }), { units: 64, lr: 0.01, batch_size: 32, optimizer: 'sgd', momentum: 0.9 }, 20);
    const data = loadCsv({ kind: 'csv', path: regFile, target: 'y', task: null, categorical: [], ignore: [], delimiter: ',' });
    const mean = data.y.reduce((a, b) => a + b, 0) / data.n;
    const std = Math.sqrt(data.y.reduce((a, b) => a + (b - mean) ** 2, 0) / data.n);
    const last = reports.at(-1)!;
    expect(last.val_accuracy).toBeUndefined();
    expect(last.val_rmse).toBeLessThan(std * 0.5);
  });

  it('trains k models with cv and on a fraction of the data', async () => {
    const cv = await train(config({ dataset: { csv: classFile, target: 'y' }, cv: 3 }), { units: 32, lr: 0.01 }, 2);
    expect(cv).toHaveLength(2);
    expect(cv[1]!.val_accuracy).toBeGreaterThan(0.5);
    const small = await train(config({ dataset: { csv: classFile, target: 'y' }, fidelity: 'data_fraction', epochs: 2 }), { units: 32 }, 2);
    expect(small).toHaveLength(2);
  });
});

describe('crossValidate', () => {
  it('returns k folds × seeds estimates with their mean and standard error', async () => {
    const cfg = config({ dataset: { csv: classFile, target: 'y' } });
    const r = await crossValidate(cfg, { units: 64, lr: 0.01, batch_size: 64, epochs: 6 }, { folds: 3, seeds: [1, 2] });
    expect(r.metric).toBe('val_accuracy');
    expect(r.perFold.map((f) => [f.seed, f.fold])).toEqual([[1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]]);
    const values = r.perFold.map((f) => f.value);
    expect(r.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 6, 10);
    expect(r.se).toBeGreaterThan(0);
    expect(r.mean).toBeGreaterThan(0.65); // the majority class is 40%
  });
});

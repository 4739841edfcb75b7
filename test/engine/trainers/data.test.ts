import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetSpec } from '../../../src/main/engine/trainers/config.js';
import { loadCsv } from '../../../src/main/engine/trainers/data/csv.js';
import { loadIdx } from '../../../src/main/engine/trainers/data/idx.js';
import { loadMnist } from '../../../src/main/engine/trainers/data/mnist.js';
import { prepare } from '../../../src/main/engine/trainers/data/prepare.js';
import { holdoutSplit, kFoldSplits, subsample } from '../../../src/main/engine/trainers/data/split.js';
import { syntheticImages, writeSynthetic } from './synthetic.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/datasets');
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ns-trainer-data-'));

function csv(file: string, target = 'label', extra: Partial<Extract<DatasetSpec, { kind: 'csv' }>> = {}): Extract<DatasetSpec, { kind: 'csv' }> {
  return { kind: 'csv', path: file, target, task: null, categorical: [], ignore: [], delimiter: ',', ...extra };
}

describe('CSV loader', () => {
  it('one-hot encodes text columns, keeps numbers, and orders integer classes numerically', () => {
    const file = path.join(tmp(), 'd.csv');
    writeFileSync(file, 'size,colour,"note, quoted",label\n1.5,red,a,10\n2,blue,b,2\n3,red,"c ""x""",10\n');
    const d = loadCsv(csv(file, 'label', { ignore: ['note, quoted'] }));
    expect(d.task).toBe('classification');
    expect(d.classes).toEqual(['2', '10']);
    expect(Array.from(d.y)).toEqual([1, 0, 1]);
    expect(d.shape).toEqual([3]); // size + colour one-hot (blue, red)
    expect(Array.from(d.x)).toEqual([1.5, 0, 1, 2, 1, 0, 3, 0, 1]);
    expect(d.standardize).toEqual([0]);
  });

  it('treats a target with fractional numbers as regression unless told otherwise', () => {
    const file = writeSynthetic(path.join(tmp(), 'r.csv'), 30, 1, 'regression');
    expect(loadCsv(csv(file, 'y')).task).toBe('regression');
    expect(loadCsv(csv(file, 'y', { categorical: ['dist_m'], task: 'classification' })).task).toBe('classification');
  });

  it('names the file, the column and the fix when the target column is missing', () => {
    const file = path.join(FIXTURES, 'missing-target.csv');
    expect(() => loadCsv(csv(file))).toThrow(`${file}: no column "label" (columns: age, income, churned); set trainer.builtin.dataset.target to the column to predict`);
  });

  it('names the line, the column and the fix for text in a numeric column', () => {
    const file = path.join(FIXTURES, 'text-in-numeric.csv');
    expect(() => loadCsv(csv(file))).toThrow(
      `${file}: line 4, column "income": "sixty thousand" is not a number; fix the value, or list "income" under trainer.builtin.dataset.categorical to one-hot encode it`,
    );
  });

  it('rejects an empty file, a single class and ragged rows with the fix', () => {
    const empty = path.join(FIXTURES, 'empty.csv');
    expect(() => loadCsv(csv(empty))).toThrow(`${empty}: the file is empty; it needs a header row and data rows below it`);
    const one = path.join(FIXTURES, 'one-class.csv');
    expect(() => loadCsv(csv(one))).toThrow(`${one}: target column "label" has only one class ("yes"); classification needs at least 2 classes (add rows of other classes, or set trainer.builtin.dataset.task: regression)`);
    const ragged = path.join(FIXTURES, 'ragged.csv');
    expect(() => loadCsv(csv(ragged))).toThrow(`${ragged}: line 3 has 2 fields but the header has 3; fix that row (quote values that contain ",")`);
    const missing = path.join(FIXTURES, 'no-such-file.csv');
    expect(() => loadCsv(csv(missing))).toThrow(/no-such-file\.csv: file not found; check trainer\.builtin\.dataset\.csv/);
  });
});

describe('IDX loader', () => {
  it('reads MNIST-format images and labels, scaled to [0, 1]', () => {
    const dir = tmp();
    const { images, labels } = syntheticImages(12, 3);
    writeFileSync(path.join(dir, 'img'), images);
    writeFileSync(path.join(dir, 'lab'), labels);
    const d = loadIdx({ kind: 'idx', images: path.join(dir, 'img'), labels: path.join(dir, 'lab') });
    expect(d.n).toBe(12);
    expect(d.shape).toEqual([8, 8, 1]);
    expect(d.classes).toEqual(['0', '1', '2']);
    expect(d.x[0]).toBeCloseTo(images[16]! / 255, 6);
    expect(Math.max(...d.x)).toBeLessThanOrEqual(1);
  });

  it('reports swapped or mismatched files', () => {
    const dir = tmp();
    const { images, labels } = syntheticImages(12, 3);
    writeFileSync(path.join(dir, 'img'), images);
    writeFileSync(path.join(dir, 'lab'), labels);
    writeFileSync(path.join(dir, 'short'), syntheticImages(5, 3).labels);
    expect(() => loadIdx({ kind: 'idx', images: path.join(dir, 'lab'), labels: path.join(dir, 'img') })).toThrow(/is trainer\.builtin\.dataset\.idx\.images the labels file\?/);
    expect(() => loadIdx({ kind: 'idx', images: path.join(dir, 'img'), labels: path.join(dir, 'short') })).toThrow(/5 labels for 12 images/);
  });
});

describe('splits', () => {
  const labels = { task: 'classification' as const, n: 103, y: Float32Array.from({ length: 103 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2)) };
  const count = (idx: number[], c: number): number => idx.filter((i) => labels.y[i] === c).length;

  it('holdout keeps each class share in validation', () => {
    const s = holdoutSplit(labels, 0.2, 7);
    expect(s.train.length + s.val.length).toBe(103);
    expect(new Set([...s.train, ...s.val]).size).toBe(103);
    expect([count(s.val, 0), count(s.val, 1), count(s.val, 2)]).toEqual([12, 6, 3]);
    expect(holdoutSplit(labels, 0.2, 7)).toEqual(s);
    expect(holdoutSplit(labels, 0.2, 8).val).not.toEqual(s.val);
  });

  it('k-fold validation folds are disjoint, cover every example and are stratified', () => {
    const folds = kFoldSplits(labels, 5, 11);
    const all = folds.flatMap((f) => f.val);
    expect(all.length).toBe(103);
    expect(new Set(all).size).toBe(103);
    for (const f of folds) {
      expect(f.train.filter((i) => f.val.includes(i))).toEqual([]);
      expect(f.train.length + f.val.length).toBe(103);
      for (const [c, total] of [[0, 60], [1, 30], [2, 13]] as const) {
        expect(Math.abs(count(f.val, c) - total / 5)).toBeLessThan(1);
      }
    }
  });

  it('data_fraction subsets are stratified and nested', () => {
    const s = holdoutSplit(labels, 0.2, 7);
    const quarter = subsample(labels, s.train, 0.25, 5);
    const half = subsample(labels, s.train, 0.5, 5);
    expect(quarter.every((i) => half.includes(i))).toBe(true);
    expect(count(half, 0)).toBe(Math.round(count(s.train, 0) / 2));
    expect(count(quarter, 2)).toBeGreaterThan(0);
  });

  it('standardization is fitted on the training rows only', () => {
    const data = { name: 't', task: 'classification' as const, x: Float32Array.from([1, 3, 5, 1000]), y: Float32Array.from([0, 1, 0, 1]), n: 4, shape: [1], classes: ['a', 'b'], standardize: [0] };
    const p = prepare(data, { train: [0, 1, 2], val: [3] });
    expect(Array.from(p.xTrain).map((v) => +v.toFixed(4))).toEqual([-1.2247, 0, 1.2247]);
    expect(p.xVal[0]).toBeCloseTo((1000 - 3) / Math.sqrt(8 / 3), 3);
  });
});

describe('bundled mnist', () => {
  it('has the 10,000 digits of the mnist package, in a fixed order', () => {
    const d = loadMnist();
    expect(d.n).toBe(10_000);
    expect(d.shape).toEqual([28, 28, 1]);
    expect(d.classes).toHaveLength(10);
    expect(d.x.length).toBe(10_000 * 784);
    expect(Array.from(new Set(d.y)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(loadMnist().x.subarray(5000 * 784, 5001 * 784)).toEqual(d.x.subarray(5000 * 784, 5001 * 784));
  });
});

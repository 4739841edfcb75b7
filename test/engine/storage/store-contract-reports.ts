// The reports and transactions parts of the Store contract; store-contract.ts runs them inside its own
// describe, with its fresh store per test and its helpers.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Params } from '../../../src/shared/types.js';
import type { Store, StudyRecord, TrialRecord } from '../../../src/main/engine/storage/types.js';

export interface ContractHooks {
  /** The store of the current test (a fresh one each time). */
  store(): Store;
  newStudy(name?: string): StudyRecord;
  running(studyId: number, params?: Params): TrialRecord;
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function reportsAndTransactions({ store: current, newStudy, running }: ContractHooks): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('reports', () => {
    it('keeps reports per step, merging metrics of the same step', () => {
      const s = newStudy();
      const tr = running(s.id);
      store.addReport(tr.id, 2, { loss: 0.5 });
      store.addReport(tr.id, 1, { loss: 0.9, val_accuracy: 0.7 });
      store.addReport(tr.id, 2, { val_accuracy: 0.8 });
      store.addReport(tr.id, 2, { loss: 0.4 });
      store.addReport(tr.id, 3, { loss: Number.NaN, inf: Number.POSITIVE_INFINITY });
      const reports = store.reports(tr.id);
      expect(reports.map((r) => [r.step, r.metrics])).toEqual([
        [1, { loss: 0.9, val_accuracy: 0.7 }],
        [2, { loss: 0.4, val_accuracy: 0.8 }],
        [3, { loss: Number.NaN, inf: Number.POSITIVE_INFINITY }],
      ]);
      for (const r of reports) expect(r.at).toMatch(ISO_MS);
      expect(store.reports(9999)).toEqual([]);
    });

    it('gives one metric of every trial of a study at once, in step order', () => {
      const s = newStudy();
      const a = running(s.id);
      store.addReport(a.id, 2, { loss: 0.5 });
      store.addReport(a.id, 1, { loss: 0.9, acc: 0.1 });
      const b = running(s.id);
      store.addReport(b.id, 1, { acc: 0.3 });
      const other = running(newStudy('another').id);
      store.addReport(other.id, 1, { loss: 7 });
      const series = store.metricSeries(s.id, 'loss');
      expect([...series.entries()].map(([id, points]) => [id, points.map(({ step, value }) => ({ step, value }))])).toEqual([
        [a.id, [{ step: 1, value: 0.9 }, { step: 2, value: 0.5 }]],
      ]);
      // seq is the order of arrival (step 2 came first), which stop-based schedulers rank by.
      const [first, second] = series.get(a.id)!;
      if (first!.seq !== undefined) expect(second!.seq!).toBeLessThan(first!.seq);
    });

    it('refuses reports that are not for a running trial or have a fractional step', () => {
      const s = newStudy();
      const queued = store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
      expect(() => store.addReport(queued.id, 0, { loss: 1 })).toThrow(/queued/);
      const tr = store.claimQueued(s.id, 'e')!;
      expect(() => store.addReport(tr.id, 0.5, { loss: 1 })).toThrow(RangeError);
      expect(() => store.addReport(9999, 0, { loss: 1 })).toThrow(/no trial/);
      expect(store.reports(tr.id)).toEqual([]);
    });
  });

  describe('transactions', () => {
    it('rolls everything back when fn throws, and numbering stays gapless', () => {
      const s = newStudy();
      expect(() =>
        store.transaction(() => {
          store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } }, { name: 'random', state: 1 });
          store.setStudyState(s.id, 'running', null);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(store.trials(s.id)).toEqual([]);
      expect(store.samplerState(s.id, 'random')).toBeNull();
      expect(store.getStudy('mlp')?.state).toBe('idle');
      expect(store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } }).number).toBe(0);
    });

    it('nests: an inner failure rolls back only the inner part', () => {
      const s = newStudy();
      const result = store.transaction(() => {
        store.enqueueTrial(s.id, { params: { keep: true }, budget: null, lineage: { kind: 'enqueued' } });
        expect(() =>
          store.transaction(() => {
            store.enqueueTrial(s.id, { params: { keep: false }, budget: null, lineage: { kind: 'enqueued' } });
            throw new Error('inner');
          }),
        ).toThrow('inner');
        return store.transaction(() => store.enqueueTrial(s.id, { params: { keep: true }, budget: null, lineage: { kind: 'enqueued' } }).number);
      });
      expect(result).toBe(1);
      expect(store.trials(s.id).map((tr) => [tr.number, tr.params.keep])).toEqual([
        [0, true],
        [1, true],
      ]);
    });
  });
}

// Lineage walks and the energy ledger over trials written to a real SQLite file through the Store, as the
// campaign writes them: a configuration promoted twice with an interrupted attempt in between, a warm
// start, a finalist re-run, and energy recorded the way final-metrics.ts records it.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ancestors,
  byNumberIn,
  chainRoot,
  EnergyLedger,
  firstAttempt,
  originText,
  plannedLineage,
  promotionChain,
  promotionParent,
  spentTotal,
} from '../../../src/main/engine/lineage/index.js';
import { copyStudy } from '../../../src/main/engine/report/index.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import type { NewLineage, Store, TrialRecord } from '../../../src/main/engine/storage/types.js';
import { specHash } from '../../../src/main/engine/study/spec-hash.js';
import { tempDir } from '../storage/helpers.js';
import { testSpec } from '../../helpers/spec.js';

const spec = testSpec({ name: 'chains', objectives: [{ metric: 'acc', direction: 'maximize' }, { metric: 'energy_j', direction: 'minimize' }] });

type Row = { lineage: NewLineage; state: 'complete' | 'stopped' | 'failed'; values?: Record<string, number>; metrics?: Record<string, number> };

/**
 * #0 sampler, 10 J. #1 promotes #0 and is interrupted after 4 J. #2 retries #1: 15 J of its own, 25 J
 * with #0's. #3 promotes #2: 35 J of its own, 60 J in all. #4 warm start, 5 J. #5 a finalist re-run of
 * #3 (a fresh run: 50 J, nothing inherited). #6 fails after 2 J.
 */
const ROWS: Row[] = [
  { lineage: { kind: 'sampler', detail: 'gp' }, state: 'complete', values: { acc: 0.5, energy_j: 10 }, metrics: { co2_g: 1 } },
  { lineage: { kind: 'promote', parentNumber: 0 }, state: 'stopped', metrics: { energy_j: 14, energy_increment_j: 4, co2_g: 1.4 } },
  { lineage: { kind: 'retry', parentNumber: 1 }, state: 'complete', values: { acc: 0.7, energy_j: 25 }, metrics: { energy_increment_j: 15, co2_g: 2.5 } },
  { lineage: { kind: 'promote', parentNumber: 2 }, state: 'complete', values: { acc: 0.9, energy_j: 60 }, metrics: { energy_increment_j: 35, co2_g: 6 } },
  { lineage: { kind: 'warm-start', detail: 'last-week' }, state: 'complete', values: { acc: 0.6, energy_j: 5 }, metrics: { co2_g: 0.5 } },
  { lineage: { kind: 'finalist', parentNumber: 3, detail: 'seed 1' }, state: 'complete', values: { acc: 0.88, energy_j: 50 }, metrics: { co2_g: 5 } },
  { lineage: { kind: 'sampler', detail: 'gp' }, state: 'failed', metrics: { energy_j: 2, co2_g: 0.2 } },
];

function fill(store: Store): TrialRecord[] {
  const { study } = store.createStudy(spec, specHash(spec));
  for (const r of ROWS) {
    const q = store.enqueueTrial(study.id, { params: { lr: 0.01 }, budget: null, lineage: r.lineage });
    store.claimQueued(study.id, 'test');
    store.finishTrial(q.id, { state: r.state, values: r.values ?? {}, metrics: r.metrics ?? {}, reason: null });
  }
  return store.trials(study.id);
}

describe('trial lineage in the store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });
  const open = () => {
    tmp = tempDir();
    store = openStore(path.join(tmp.dir, 'l.db'));
    return fill(store);
  };

  it('keeps kind, parent (id and number) and detail, and the old origin text for display', () => {
    const trials = open();
    expect(trials[3]!.lineage).toEqual({ kind: 'promote', parentId: trials[2]!.id, parentNumber: 2, detail: null });
    expect(trials[5]!.lineage).toEqual({ kind: 'finalist', parentId: trials[3]!.id, parentNumber: 3, detail: 'seed 1' });
    expect(trials.map((t) => originText(t.lineage))).toEqual(['sampler:gp', 'promote:0', 'retry:1', 'promote:2', 'warm-start:last-week', 'finalist:3:seed 1', 'sampler:gp']);
    expect(store.events(trials[0]!.studyId).find((e) => e.kind === 'trial.queued' && e.trialId === trials[3]!.id)?.message).toBe('trial 3 queued (promote:2)');
  });

  it('refuses a parent that is not an earlier trial of the same study', () => {
    const trials = open();
    const other = store.createStudy({ ...spec, name: 'other' }, 'h').study;
    expect(() => store.enqueueTrial(other.id, { params: {}, budget: null, lineage: { kind: 'retry', parentNumber: 0 } })).toThrow(/parent must be an earlier trial of the same study/);
    expect(() => store.enqueueTrial(trials[0]!.studyId, { params: {}, budget: null, lineage: { kind: 'promote', parentNumber: 99 } })).toThrow(/parent/);
    expect(store.trials(other.id)).toEqual([]);
  });

  it('copies lineage to another database, its parents pointing at the copies', () => {
    const trials = open();
    const target = openStore(path.join(tmp.dir, 'copy.db'));
    try {
      // An unrelated study first, so the copied trials get other ids than the originals.
      target.enqueueTrial(target.createStudy({ ...spec, name: 'first' }, 'h').study.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
      const { study } = copyStudy(store, 'chains', target);
      const copied = target.trials(study.id);
      expect(copied.map((t) => originText(t.lineage))).toEqual(trials.map((t) => originText(t.lineage)));
      expect(copied[3]!.lineage.parentId).toBe(copied[2]!.id);
      expect(copied[3]!.lineage.parentId).not.toBe(trials[2]!.id);
    } finally {
      target.close();
    }
  });

  it('walks retries and promotions back to the trial that owns the checkpoints', () => {
    const trials = open();
    const byNumber = byNumberIn(trials);
    const fromStore = (n: number) => store.trialByNumber(trials[0]!.studyId, n);
    const numbers = (ts: readonly TrialRecord[]) => ts.map((t) => t.number);
    // The same answers from a loaded list and from the store, one query per hop.
    for (const lookup of [byNumber, fromStore]) {
      expect(chainRoot(trials[3]!, lookup).number).toBe(0);
      expect(firstAttempt(trials[2]!, lookup).number).toBe(1);
      // A retry of a promotion continues from the same rung as the attempt it replaces.
      expect(promotionParent(trials[2]!, lookup)?.number).toBe(0);
      expect(numbers(promotionChain(trials[3]!, lookup))).toEqual([0, 2, 3]);
      expect(numbers(ancestors(trials[5]!, lookup))).toEqual([3, 2, 1, 0]);
    }
    // A finalist and a warm start are fresh runs: their own roots, no promotion parent.
    expect(chainRoot(trials[5]!, byNumber).number).toBe(5);
    expect(promotionParent(trials[5]!, byNumber)).toBeNull();
    expect(chainRoot(trials[4]!, byNumber).number).toBe(4);
    expect(plannedLineage(trials[2]!, byNumber)).toMatchObject({ kind: 'promote', parentNumber: 0 });
  });
});

describe('the energy ledger', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it('counts what each trial spent itself, wherever energy_j is kept, failed and interrupted trials included', () => {
    tmp = tempDir();
    store = openStore(path.join(tmp.dir, 'e.db'));
    const trials = fill(store);
    const ledger = new EnergyLedger(trials);
    expect(trials.map((t) => ledger.ownOf(t.number))).toEqual([10, 4, 15, 35, 5, 50, 2]);
    expect(trials.map((t) => ledger.cumulativeAt(t.number))).toEqual([10, 14, 29, 64, 69, 119, 121]);
    expect(ledger.total()).toBe(121);
    expect(ledger.measured).toBe(true);
    // Other chain metrics: the promotion parent's part is taken off (#2's parent is #0, through #1).
    expect(spentTotal(trials, 'co2_g')).toBeCloseTo(1 + 0.4 + 1.5 + 3.5 + 0.5 + 5 + 0.2, 12);
    // A metric that does not accumulate is each trial's own.
    expect(spentTotal(trials, 'acc')).toBeCloseTo(0.5 + 0.7 + 0.9 + 0.6 + 0.88, 12);
  });

  it('takes a trial that reported energy_j itself at its word, and a study without energy has none', () => {
    tmp = tempDir();
    store = openStore(path.join(tmp.dir, 'r.db'));
    const { study } = store.createStudy(spec, specHash(spec));
    const add = (lineage: NewLineage, metrics: Record<string, number>) => {
      const q = store.enqueueTrial(study.id, { params: {}, budget: null, lineage });
      store.claimQueued(study.id, 'test');
      store.finishTrial(q.id, { state: 'complete', values: {}, metrics, reason: null });
    };
    add({ kind: 'sampler', detail: 'random' }, { energy_j: 30 });
    // Promoted, but its energy_j is its own report (final-metrics adds nothing to a reported figure).
    add({ kind: 'promote', parentNumber: 0 }, { energy_j: 20, measured_energy_j: 21 });
    expect(new EnergyLedger(store.trials(study.id)).total()).toBe(50);
    const empty = new EnergyLedger(store.trials(study.id), 'gpu_energy_j');
    expect(empty.measured).toBe(false);
    expect(empty.total()).toBe(0);
    expect(empty.cumulativeAt(1)).toBe(0);
  });
});

// The read half of the Store contract (src/main/engine/storage/types.ts StoreReader): what every study
// source must answer consistently, whoever wrote the data. It runs against a Nightshift database opened
// read-only and against real Optuna storages (test/engine/optuna). `open()` gives a reader on a storage
// that already holds studies; `file` is checked to be unchanged after every read.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRIAL_STATES, emptyCounts } from '../../../src/shared/types.js';
import { LINEAGE_KINDS } from '../../../src/main/engine/storage/types.js';
import type { Store, StoreReader } from '../../../src/main/engine/storage/types.js';
import { makeSpec } from './helpers.js';

export interface ReaderUnderTest {
  reader: StoreReader;
  /** The storage file, which reading must leave byte for byte as it was. */
  file: string;
  /** Whether the source records measurement provenance (an Optuna storage has none). */
  provenance: boolean;
  /** Whether the source holds trials made from another trial (retries, promotions; an Optuna storage has none). */
  parents: boolean;
  /** Whether the source holds finalists-stage runs (an Optuna storage has none). */
  finalists: boolean;
  dispose(): void;
}

/** The methods only a writable Store has; a reader must not have them at all (not even ones that throw). */
const WRITES: readonly (keyof Store)[] = [
  'createStudy', 'setStudyState', 'enqueueTrial', 'samplerState', 'claimQueued', 'setPgid', 'heartbeat',
  'addReport', 'finishTrial', 'addGpuSamples', 'transaction', 'addEvent', 'enqueueFinalistRun',
];

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

export function storeReaderContract(name: string, open: () => ReaderUnderTest): void {
  describe(`StoreReader contract: ${name}`, () => {
    let t: ReaderUnderTest;
    let r: StoreReader;
    let before: string;
    beforeEach(() => {
      t = open();
      r = t.reader;
      before = sha(t.file);
    });
    afterEach(() => {
      const after = sha(t.file);
      t.dispose();
      expect(after).toBe(before);
    });

    it('has no write method', () => {
      for (const m of WRITES) expect(m in r, `${m} on a reader`).toBe(false);
    });

    it('finds each listed study by name, and no other', () => {
      const studies = r.listStudies();
      expect(studies.length).toBeGreaterThan(0);
      for (const s of studies) expect(r.getStudy(s.name)).toEqual(s);
      expect(r.getStudy('no-such-study')).toBeNull();
      expect(new Set(studies.map((s) => s.id)).size).toBe(studies.length);
    });

    it("gives each study its objectives and search space, and a spec only that agrees with them", () => {
      for (const s of r.listStudies()) {
        expect(s.objectives.length).toBeGreaterThan(0);
        expect(new Set(s.objectives.map((o) => o.metric)).size).toBe(s.objectives.length);
        expect(Object.keys(s.searchSpace).length).toBeGreaterThan(0);
        if (s.spec !== null) {
          expect(s.spec.name).toBe(s.name);
          expect(s.spec.objectives).toEqual(s.objectives);
          expect(s.spec.search_space).toEqual(s.searchSpace);
        }
      }
    });

    it('numbers trials 0, 1, 2, ... and finds each by id and by number', () => {
      for (const s of r.listStudies()) {
        const trials = r.trials(s.id);
        expect(trials.map((x) => x.number)).toEqual(trials.map((_, i) => i));
        for (const x of trials) {
          expect(x.studyId).toBe(s.id);
          expect(TRIAL_STATES).toContain(x.state);
          expect(r.getTrial(x.id)).toEqual(x);
          expect(r.trialByNumber(s.id, x.number)).toEqual(x);
        }
        expect(r.trialByNumber(s.id, trials.length)).toBeNull();
      }
      const ids = r.listStudies().flatMap((s) => r.trials(s.id).map((x) => x.id));
      expect(r.getTrial(Math.max(0, ...ids) + 1000)).toBeNull();
    });

    it('counts and lists running trials as the trials say', () => {
      for (const s of r.listStudies()) {
        const trials = r.trials(s.id);
        const counts = emptyCounts();
        for (const x of trials) counts[x.state]++;
        expect(r.counts(s.id)).toEqual(counts);
        expect(r.runningTrials(s.id)).toEqual(trials.filter((x) => x.state === 'running'));
      }
    });

    it('keeps values to the objectives, metrics apart from them, and parameters within the search space', () => {
      for (const s of r.listStudies()) {
        const metrics = new Set(s.objectives.map((o) => o.metric));
        for (const x of r.trials(s.id)) {
          for (const k of Object.keys(x.values)) expect(metrics).toContain(k);
          for (const k of Object.keys(x.metrics)) expect(x.values).not.toHaveProperty(k);
          for (const k of Object.keys(x.params)) expect(s.searchSpace).toHaveProperty(k);
          if (x.state === 'complete') expect(x.endedAt).not.toBeNull();
        }
      }
    });

    it('gives reports in step order, and the same points through metricSeries', () => {
      let reported = 0;
      for (const s of r.listStudies()) {
        for (const o of s.objectives) {
          const expected = new Map<number, { step: number; value: number }[]>();
          for (const x of r.trials(s.id)) {
            const reports = r.reports(x.id);
            reported += reports.length;
            const steps = reports.map((p) => p.step);
            expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b));
            const points = reports.flatMap((p) => (p.metrics[o.metric] === undefined ? [] : [{ step: p.step, value: p.metrics[o.metric]! }]));
            if (points.length > 0) expected.set(x.id, points);
          }
          // seq (arrival order, where the store knows it) is checked by the store contract.
          const series = [...r.metricSeries(s.id, o.metric)].map(([id, points]) => [id, points.map(({ step, value }) => ({ step, value }))] as const);
          expect(new Map(series)).toEqual(expected);
        }
      }
      expect(reported, 'the storage under test has reports').toBeGreaterThan(0);
    });

    it('gives provenance per trial and per study alike', () => {
      let measured = 0;
      for (const s of r.listStudies()) {
        const trials = r.trials(s.id);
        const ofStudy = r.provenanceOfStudy(s.id);
        for (const id of ofStudy.keys()) expect(trials.map((x) => x.id)).toContain(id);
        for (const x of trials) expect(ofStudy.get(x.id) ?? null).toEqual(r.provenance(x.id));
        measured += ofStudy.size;
      }
      if (t.provenance) expect(measured, 'the storage under test has provenance').toBeGreaterThan(0);
      else expect(measured).toBe(0);
    });

    it('names a parent only among earlier trials of the same study, by id and number alike', () => {
      let parented = 0;
      for (const s of r.listStudies()) {
        const trials = r.trials(s.id);
        const byNumber = new Map(trials.map((x) => [x.number, x]));
        for (const x of trials) {
          expect(LINEAGE_KINDS).toContain(x.lineage.kind);
          expect(x.lineage.parentId === null, `trial ${x.number}: parent id and number together`).toBe(x.lineage.parentNumber === null);
          if (x.lineage.parentNumber === null) continue;
          parented++;
          expect(x.lineage.parentNumber).toBeLessThan(x.number);
          expect(byNumber.get(x.lineage.parentNumber)?.id).toBe(x.lineage.parentId);
        }
      }
      if (t.parents) expect(parented, 'the storage under test has a trial with a parent').toBeGreaterThan(0);
      else expect(parented).toBe(0);
    });

    it('gives finalist runs per study and per trial alike, each one a trial of that study', () => {
      let runs = 0;
      for (const s of r.listStudies()) {
        const trials = r.trials(s.id);
        const ofStudy = r.finalistRuns(s.id);
        for (const id of ofStudy.keys()) expect(trials.map((x) => x.id)).toContain(id);
        for (const x of trials) expect(r.finalistRun(x.id)).toEqual(ofStudy.get(x.id) ?? null);
        runs += ofStudy.size;
      }
      if (t.finalists) expect(runs, 'the storage under test has a finalist run').toBeGreaterThan(0);
      else expect(runs).toBe(0);
    });

    it('gives the tail of the event log on request, and GPU samples as a list', () => {
      for (const s of r.listStudies()) {
        const all = r.events(s.id);
        expect(r.events(s.id, 2)).toEqual(all.slice(-2));
        // The latest event of a kind, as the whole log has it (null for a kind never logged).
        for (const kind of new Set(all.map((e) => e.kind))) expect(r.lastEvent(s.id, kind)).toEqual(all.findLast((e) => e.kind === kind));
        expect(r.lastEvent(s.id, 'no-such-kind')).toBeNull();
        expect(Array.isArray(r.gpuSamples(s.id))).toBe(true);
      }
    });

    it('keeps its data version while it only reads', () => {
      const v = r.dataVersion();
      for (const s of r.listStudies()) {
        r.trials(s.id);
        for (const o of s.objectives) r.metricSeries(s.id, o.metric);
        r.provenanceOfStudy(s.id);
      }
      expect(typeof v).toBe('string');
      expect(r.dataVersion()).toBe(v);
    });
  });
}

/**
 * Writes the data the contract reads into a fresh Nightshift store: two studies, trials in every state,
 * reports, measurement provenance, GPU samples, events and a finalist run.
 */
export function writeReaderFixture(store: Store): void {
  const a = store.createStudy(makeSpec('alpha', [{ metric: 'val_accuracy', direction: 'maximize' }, { metric: 'energy_j', direction: 'minimize' }]), 'ha').study;
  const b = store.createStudy(makeSpec('beta'), 'hb').study;
  const states = ['complete', 'pruned', 'failed', 'stopped', 'complete'] as const;
  states.forEach((state, i) => {
    store.enqueueTrial(a.id, { params: { lr: 0.001 * (i + 1), optimizer: i % 2 ? 'sgd' : 'adam', ...(i % 2 ? { momentum: 0.9 } : {}) }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
    const x = store.claimQueued(a.id, 'fixture')!;
    for (let step = 1; step <= 3; step++) store.addReport(x.id, step, { val_accuracy: 0.1 * step + 0.01 * i, loss: 1 / step });
    store.finishTrial(x.id, {
      state,
      values: state === 'complete' ? { val_accuracy: 0.3 + 0.01 * i, energy_j: 100 * (i + 1) } : {},
      metrics: { duration_s: 10 + i },
      reason: state === 'complete' ? null : `fixture ${state}`,
      provenance:
        i === 4
          ? null
          : {
              gpu: { source: 'nvidia-smi', reason: '', interval_ms: 100, baseline_w: { 0: 20 }, method: 'integral', memory_source: 'per_process', energy_by_gpu_j: { 0: 90 }, estimate: false },
              cpu: { source: 'estimate', reason: 'no RAPL', method: 'tdp share', baseline_w: null, estimate: true },
              grid_intensity_g_per_kwh: 400,
              price_per_kwh: 0.3,
              flags: i === 1 ? ['short_window'] : [],
              notes: [],
              window: { start_ms: 1_000 * i, end_ms: 1_000 * i + 900 },
            },
    });
  });
  // A retry of the stopped trial 3 (same configuration): a trial with a parent, for the lineage check.
  store.enqueueTrial(a.id, { params: { lr: 0.004, optimizer: 'sgd', momentum: 0.9 }, budget: null, lineage: { kind: 'retry', parentNumber: 3 } });
  store.enqueueTrial(a.id, { params: { lr: 0.02, optimizer: 'adam' }, budget: null, lineage: { kind: 'enqueued' } });
  const running = store.claimQueued(a.id, 'fixture')!;
  store.addReport(running.id, 1, { val_accuracy: 0.2 });
  store.addGpuSamples(a.id, [
    { gpu: 0, atMs: 1000, powerW: 80, memoryMb: 2000 },
    { gpu: 0, atMs: 1100, powerW: 120, memoryMb: null },
  ]);
  store.addEvent(a.id, null, 'environment', 'fixture host');
  store.addEvent(a.id, null, 'note', 'first note');
  store.addEvent(a.id, null, 'environment', 'fixture host, later');
  store.enqueueTrial(b.id, { params: { lr: 0.05, optimizer: 'adam' }, budget: null, lineage: { kind: 'baseline' } });
  // A finalists-stage run of that configuration (its own seed), for the finalist-run check.
  store.enqueueFinalistRun(
    b.id,
    { params: { lr: 0.05, optimizer: 'adam' }, budget: null, lineage: { kind: 'finalist', parentNumber: 0, detail: 'seed 0' } },
    { parentNumber: 0, seedIndex: 0, seed: 1234, fold: null, folds: null },
  );
}

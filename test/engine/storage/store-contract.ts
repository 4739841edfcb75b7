// The contract every Store implementation must pass (see src/main/engine/storage/types.ts). Call
// `storeContract(name, fresh)` from a *.test.ts file; `fresh()` opens a new, empty storage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINISHED_STATES, TRIAL_STATES } from '../../../src/shared/types.js';
import type { Params } from '../../../src/shared/types.js';
import { ImmutableTrialError, type Store } from '../../../src/main/engine/storage/types.js';
import { makeSpec } from './helpers.js';
import { reportsAndTransactions } from './store-contract-reports.js';

export interface StoreUnderTest {
  store: Store;
  /** Another Store on the same storage, as a second engine or a restarted one opens it. */
  openAgain(): Store;
  /** Problems a consistency check of the storage finds; [] when it is sound. */
  integrityProblems(): string[];
  dispose(): void;
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Waits until the clock has moved, so two timestamps taken around it differ. */
function tick(): void {
  const start = Date.now();
  while (Date.now() < start + 3) {
    /* spin a few milliseconds */
  }
}

export function storeContract(name: string, fresh: () => StoreUnderTest): void {
  describe(`Store contract: ${name}`, () => {
    let t: StoreUnderTest;
    let store: Store;
    const others: Store[] = [];
    const again = (): Store => {
      const s = t.openAgain();
      others.push(s);
      return s;
    };
    beforeEach(() => {
      t = fresh();
      store = t.store;
    });
    afterEach(() => {
      for (const s of others.splice(0)) s.close();
      t.dispose();
    });

    const newStudy = (name = 'mlp') => store.createStudy(makeSpec(name), `hash-${name}`).study;
    const running = (studyId: number, params: Params = { lr: 0.01 }) => {
      store.enqueueTrial(studyId, { params, budget: null, lineage: { kind: 'enqueued' } });
      const claimed = store.claimQueued(studyId, 'engine-a');
      if (claimed === null) throw new Error('nothing to claim');
      return claimed;
    };

    describe('studies', () => {
      it('creates a study once and returns the existing one unchanged afterwards', () => {
        const spec = makeSpec('mlp', [
          { metric: 'val_accuracy', direction: 'maximize' },
          { metric: 'energy_j', direction: 'minimize' },
        ]);
        const first = store.createStudy(spec, 'h1');
        expect(first.created).toBe(true);
        expect(first.study).toMatchObject({ name: 'mlp', specHash: 'h1', state: 'idle', stopReason: null, objectives: spec.objectives });
        expect(first.study.spec).toEqual(spec);
        expect(first.study.createdAt).toMatch(ISO_MS);

        const second = store.createStudy(makeSpec('mlp', [{ metric: 'loss', direction: 'minimize' }]), 'h2');
        expect(second.created).toBe(false);
        expect(second.study).toEqual(first.study);
        expect(store.getStudy('mlp')).toEqual(first.study);
        expect(store.getStudy('nope')).toBeNull();
      });

      it('lists studies in creation order', () => {
        for (const n of ['b', 'a', 'c']) newStudy(n);
        expect(store.listStudies().map((s) => s.name)).toEqual(['b', 'a', 'c']);
        expect(store.listStudies()[1]?.objectives).toEqual([{ metric: 'val_accuracy', direction: 'maximize' }]);
      });

      it('changes a study state with its stop reason and logs it', () => {
        const s = newStudy();
        store.setStudyState(s.id, 'finished', 'budget: 20 trials');
        expect(store.getStudy('mlp')).toMatchObject({ state: 'finished', stopReason: 'budget: 20 trials' });
        expect(store.events(s.id).map((e) => e.kind)).toEqual(['study.created', 'study.state']);
        expect(() => store.setStudyState(9999, 'idle', null)).toThrow(/no study/);
      });
    });

    describe('trials', () => {
      it('numbers trials 0, 1, 2, ... per study', () => {
        const a = newStudy('a');
        const b = newStudy('b');
        const numbers = [a, b, a, a, b].map((s) => store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } }).number);
        expect(numbers).toEqual([0, 0, 1, 2, 1]);
        expect(store.trials(a.id).map((tr) => tr.number)).toEqual([0, 1, 2]);
      });

      it('keeps every parameter type exactly', () => {
        const s = newStudy();
        const params: Params = {
          lr: 0.000123456789,
          tiny: 5e-324,
          huge: 1.7976931348623157e308,
          units: 64,
          neg: -3,
          zero: 0,
          flag: true,
          off: false,
          optimizer: 'adam',
          looks_numeric: '1',
          looks_bool: 'true',
          empty: '',
          shell: '$(id); touch X',
          unicode: 'Größe 学习率 🌙',
        };
        const q = store.enqueueTrial(s.id, { params, budget: 27, lineage: { kind: 'sampler', detail: 'random' }, retries: 1 });
        for (const got of [q, store.getTrial(q.id), store.trialByNumber(s.id, 0), store.trials(s.id)[0]]) {
          expect(got?.params).toStrictEqual(params);
          for (const [k, v] of Object.entries(params)) expect(typeof got?.params[k]).toBe(typeof v);
        }
        expect(q).toMatchObject({ state: 'queued', budget: 27, lineage: { kind: 'sampler', detail: 'random' }, retries: 1, values: {}, metrics: {} });
        expect(q).toMatchObject({ reason: null, startedAt: null, endedAt: null, owner: null, heartbeatAt: null, pgid: null });
        expect(store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'baseline' } }).retries).toBe(0);
      });

      it('rejects a parameter it cannot store exactly, leaving nothing behind', () => {
        const s = newStudy();
        expect(() =>
          store.enqueueTrial(s.id, { params: { a: 1, lr: Number.NaN }, budget: null, lineage: { kind: 'enqueued' } }, { name: 'random', state: { n: 1 } }),
        ).toThrow(/lr/);
        expect(store.trials(s.id)).toEqual([]);
        expect(store.samplerState(s.id, 'random')).toBeNull();
        expect(store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } }).number).toBe(0);
      });

      it('saves the sampler state with the trial it produced', () => {
        const s = newStudy();
        const other = newStudy('other');
        expect(store.samplerState(s.id, 'sobol')).toBeNull();
        const state = { index: 7, seed: 42, nested: { direction: [0.5, -1e-12], skip: null, ok: true }, label: 'é' };
        store.enqueueTrial(s.id, { params: { lr: 0.1 }, budget: null, lineage: { kind: 'sampler', detail: 'sobol' } }, { name: 'sobol', state });
        expect(store.samplerState(s.id, 'sobol')).toEqual(state);
        store.enqueueTrial(s.id, { params: { lr: 0.2 }, budget: null, lineage: { kind: 'sampler', detail: 'sobol' } }, { name: 'sobol', state: { index: 8 } });
        expect(store.samplerState(s.id, 'sobol')).toEqual({ index: 8 });
        expect(store.samplerState(s.id, 'gp')).toBeNull();
        expect(store.samplerState(other.id, 'sobol')).toBeNull();
      });

      it('claims the oldest queued trial first, then none', () => {
        const s = newStudy();
        const other = newStudy('other');
        for (let i = 0; i < 3; i++) store.enqueueTrial(s.id, { params: { i }, budget: null, lineage: { kind: 'enqueued' } });
        store.enqueueTrial(other.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
        const got = [store.claimQueued(s.id, 'e1'), store.claimQueued(s.id, 'e2'), store.claimQueued(s.id, 'e1')];
        expect(got.map((tr) => tr?.number)).toEqual([0, 1, 2]);
        expect(got.map((tr) => tr?.params)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
        expect(store.claimQueued(s.id, 'e1')).toBeNull();
        const first = got[0];
        expect(first).toMatchObject({ state: 'running', owner: 'e1', pgid: null });
        expect(first?.startedAt).toMatch(ISO_MS);
        expect(first?.heartbeatAt).toMatch(ISO_MS);
        expect(store.runningTrials(s.id).map((tr) => tr.number)).toEqual([0, 1, 2]);
        expect(store.counts(other.id).queued).toBe(1);
      });

      it('never gives the same queued trial to two stores on the same storage', () => {
        const s = newStudy();
        const second = again();
        for (let i = 0; i < 10; i++) store.enqueueTrial(s.id, { params: { i }, budget: null, lineage: { kind: 'enqueued' } });
        const claimed: number[] = [];
        for (;;) {
          const a = store.claimQueued(s.id, 'a');
          const b = second.claimQueued(s.id, 'b');
          if (a) claimed.push(a.number);
          if (b) claimed.push(b.number);
          if (!a && !b) break;
        }
        expect(claimed.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });

      it('numbers without gaps when two stores enqueue into the same study', () => {
        const s = newStudy();
        const second = again();
        for (let i = 0; i < 20; i++) (i % 3 === 0 ? second : store).enqueueTrial(s.id, { params: { i }, budget: null, lineage: { kind: 'enqueued' } });
        expect(store.trials(s.id).map((tr) => tr.number)).toEqual([...Array(20).keys()]);
        expect(second.trials(s.id).map((tr) => tr.params.i)).toEqual([...Array(20).keys()]);
      });

      it('records the process group and renews only the owner’s leases', () => {
        const s = newStudy();
        const mine = running(s.id);
        store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
        const theirs = store.claimQueued(s.id, 'engine-b');
        store.setPgid(mine.id, 4242);
        tick();
        store.heartbeat('engine-a');
        const renewed = store.getTrial(mine.id);
        expect(renewed?.pgid).toBe(4242);
        expect(renewed?.heartbeatAt).toMatch(ISO_MS);
        expect(renewed!.heartbeatAt! > mine.heartbeatAt!).toBe(true);
        expect(store.getTrial(theirs!.id)?.heartbeatAt).toBe(theirs?.heartbeatAt);
        const queued = store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
        expect(() => store.setPgid(queued.id, 1)).toThrow(/queued/);
      });

      it('records a Slurm job and where it runs in the lease; a restarted engine adopts the running trial', () => {
        const s = newStudy();
        const tr = running(s.id);
        expect(store.getTrial(tr.id)).toMatchObject({ jobId: null, node: null, gpus: null });
        store.setJobId(tr.id, '4711');
        store.setPlacement(tr.id, 'gpu-node-3', '1,2');
        tick();
        store.adoptTrial(tr.id, 'engine-b');
        const adopted = store.getTrial(tr.id)!;
        expect(adopted).toMatchObject({ state: 'running', owner: 'engine-b', jobId: '4711', node: 'gpu-node-3', gpus: '1,2' });
        expect(adopted.heartbeatAt! > tr.heartbeatAt!).toBe(true);
        // The lease is the new engine's now: its heartbeat renews it, the dead one's does not.
        tick();
        store.heartbeat('engine-a');
        expect(store.getTrial(tr.id)!.heartbeatAt).toBe(adopted.heartbeatAt);
        const done = store.finishTrial(tr.id, { state: 'complete', values: { loss: 1 }, metrics: {}, reason: null });
        expect(done).toMatchObject({ jobId: '4711', node: 'gpu-node-3' });
        expect(() => store.adoptTrial(tr.id, 'engine-c')).toThrow(ImmutableTrialError);
        expect(() => store.setJobId(tr.id, '1')).toThrow(ImmutableTrialError);
      });
    });

    reportsAndTransactions({ store: () => store, newStudy, running });

    describe('finishing', () => {
      it('finishes a running trial with values, metrics, reason and an event', () => {
        const s = newStudy();
        const tr = running(s.id);
        tick();
        const done = store.finishTrial(tr.id, {
          state: 'complete',
          values: { val_accuracy: 0.93 },
          metrics: { loss: 0.21, energy_j: 1234.5, diverged: Number.NaN },
          reason: null,
        });
        expect(done).toMatchObject({ state: 'complete', values: { val_accuracy: 0.93 }, reason: null });
        expect(done.metrics).toEqual({ loss: 0.21, energy_j: 1234.5, diverged: Number.NaN });
        expect(done.endedAt).toMatch(ISO_MS);
        expect(done.endedAt! > done.startedAt!).toBe(true);
        expect(store.getTrial(tr.id)).toEqual(done);
        expect(store.events(s.id).at(-1)).toMatchObject({ kind: 'trial.complete', trialId: tr.id });
      });

      it('stops or fails a queued trial', () => {
        const s = newStudy();
        const a = store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
        const b = store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
        expect(store.finishTrial(a.id, { state: 'stopped', values: {}, metrics: {}, reason: 'stopped by the user' })).toMatchObject({
          state: 'stopped',
          reason: 'stopped by the user',
          startedAt: null,
        });
        expect(store.finishTrial(b.id, { state: 'failed', values: {}, metrics: {}, reason: 'x' }).state).toBe('failed');
        expect(store.claimQueued(s.id, 'e')).toBeNull();
      });

      it.each(FINISHED_STATES)('makes a %s trial immutable', (state) => {
        const s = newStudy();
        const tr = running(s.id);
        store.addReport(tr.id, 0, { loss: 1 });
        const done = store.finishTrial(tr.id, { state: state as 'complete', values: { val_accuracy: 0.5 }, metrics: {}, reason: 'r' });
        const finish = { state: 'complete' as const, values: { val_accuracy: 1 }, metrics: {}, reason: null };
        expect(() => store.finishTrial(tr.id, finish)).toThrow(ImmutableTrialError);
        expect(() => store.addReport(tr.id, 1, { loss: 0 })).toThrow(ImmutableTrialError);
        expect(() => store.addReport(tr.id, 0, { loss: 0 })).toThrow(ImmutableTrialError);
        expect(() => store.setPgid(tr.id, 7)).toThrow(ImmutableTrialError);
        store.heartbeat('engine-a');
        expect(store.getTrial(tr.id)).toEqual(done);
        expect(store.reports(tr.id).map((r) => r.metrics)).toEqual([{ loss: 1 }]);
      });

      it('finishes atomically: a rejected finish leaves the trial running', () => {
        const s = newStudy();
        const tr = running(s.id);
        expect(() => store.finishTrial(tr.id, { state: 'complete', values: { loss: 1 }, metrics: { loss: 2 }, reason: null })).toThrow(/loss/);
        expect(store.getTrial(tr.id)).toEqual(tr);
        expect(() => store.finishTrial(tr.id, { state: 'running' as 'complete', values: {}, metrics: {}, reason: null })).toThrow();
        expect(store.getTrial(tr.id)?.state).toBe('running');
      });
    });

    it('counts all six states', () => {
      const s = newStudy();
      expect(store.counts(s.id)).toEqual({ queued: 0, running: 0, complete: 0, pruned: 0, failed: 0, stopped: 0 });
      for (const state of ['complete', 'pruned', 'pruned', 'failed', 'stopped'] as const) {
        store.finishTrial(running(s.id).id, { state, values: {}, metrics: {}, reason: null });
      }
      running(s.id);
      store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
      store.enqueueTrial(s.id, { params: {}, budget: null, lineage: { kind: 'enqueued' } });
      const counts = store.counts(s.id);
      expect(Object.keys(counts).sort()).toEqual([...TRIAL_STATES].sort());
      expect(counts).toEqual({ queued: 2, running: 1, complete: 1, pruned: 2, failed: 1, stopped: 1 });
    });

    it('logs state changes and appended events, oldest first, with a tail limit', () => {
      const s = newStudy();
      const tr = running(s.id);
      store.addEvent(s.id, tr.id, 'scheduler', 'median rule: keep going');
      store.addEvent(s.id, null, 'engine', 'engine e1 started');
      store.finishTrial(tr.id, { state: 'pruned', values: {}, metrics: {}, reason: 'median rule at step 3' });
      const events = store.events(s.id);
      expect(events.map((e) => e.kind)).toEqual(['study.created', 'trial.queued', 'trial.running', 'scheduler', 'engine', 'trial.pruned']);
      expect(events[3]).toMatchObject({ trialId: tr.id, message: 'median rule: keep going' });
      expect(events[4]?.trialId).toBeNull();
      expect(events.at(-1)?.message).toContain('median rule at step 3');
      for (const e of events) expect(e.at).toMatch(ISO_MS);
      expect(store.events(s.id, 2).map((e) => e.kind)).toEqual(['engine', 'trial.pruned']);
      expect(store.events(s.id, 0)).toEqual([]);
      const other = newStudy('other');
      expect(() => store.addEvent(other.id, tr.id, 'x', 'y')).toThrow(/does not belong/);
    });

    it('shows the same data to a store opened again on the same storage', () => {
      const s = newStudy();
      const tr = running(s.id, { lr: 0.003, optimizer: 'sgd', nesterov: true });
      store.setPgid(tr.id, 999);
      store.addReport(tr.id, 1, { loss: 0.3 });
      store.finishTrial(tr.id, { state: 'complete', values: { val_accuracy: 0.9 }, metrics: { loss: 0.3 }, reason: null });
      store.enqueueTrial(s.id, { params: { lr: 0.1 }, budget: 3, lineage: { kind: 'sampler', detail: 'random' } }, { name: 'random', state: { calls: 2 } });
      store.setStudyState(s.id, 'idle', 'interrupted');
      const snapshot = {
        studies: store.listStudies(),
        trials: store.trials(s.id),
        reports: store.reports(tr.id),
        events: store.events(s.id),
        sampler: store.samplerState(s.id, 'random'),
        counts: store.counts(s.id),
      };
      store.close();
      const reopened = again();
      expect({
        studies: reopened.listStudies(),
        trials: reopened.trials(s.id),
        reports: reopened.reports(tr.id),
        events: reopened.events(s.id),
        sampler: reopened.samplerState(s.id, 'random'),
        counts: reopened.counts(s.id),
      }).toEqual(snapshot);
      expect(t.integrityProblems()).toEqual([]);
    });

    it('changes its data version on every write, its own or another store’s, and only then', () => {
      // The API keeps whole-study reads while the version holds (api/read-cache.ts): a write that left it
      // unchanged would show a stale page for good.
      const s = newStudy();
      const other = again();
      const v0 = store.dataVersion();
      store.trials(s.id);
      store.events(s.id);
      expect(store.dataVersion()).toBe(v0);
      const tr = running(s.id);
      const v1 = store.dataVersion();
      expect(v1).not.toBe(v0);
      const seen = other.dataVersion();
      store.addReport(tr.id, 1, { loss: 0.5 });
      expect(store.dataVersion()).not.toBe(v1);
      expect(other.dataVersion(), 'another store sees the commit').not.toBe(seen);
      const mine = store.dataVersion();
      other.finishTrial(tr.id, { state: 'complete', values: { val_accuracy: 0.8 }, metrics: {}, reason: null });
      expect(store.dataVersion(), 'a commit by another store').not.toBe(mine);
      const settled = store.dataVersion();
      expect(store.trials(s.id)[0]!.state).toBe('complete');
      expect(store.dataVersion()).toBe(settled);
    });
  });
}

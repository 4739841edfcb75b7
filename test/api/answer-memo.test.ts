// The router keeps what it computes for a study page (fronts, bands, hypervolume, morning summary, timeline)
// while the database is unchanged, so reopening a 10,000-trial study costs a lookup. On a real SQLite file
// written by a second connection (as `nightshift run` in a terminal writes), the kept answers must never
// outlive a commit, and what grows with the clock (a running trial's bar, a running window's wall time) must
// never be kept.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { morningSummary } from '../../src/main/api/morning.js';
import { studySummary } from '../../src/main/api/queries.js';
import { studyTimeline } from '../../src/main/api/timeline.js';
import { openStore, openStoreReader } from '../../src/main/engine/storage/open.js';
import type { Store } from '../../src/main/engine/storage/types.js';
import { makeSpec, tempDir } from '../engine/storage/helpers.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

const OBJECTIVES = [
  { metric: 'val_accuracy', direction: 'maximize' as const },
  { metric: 'energy_j', direction: 'minimize' as const },
];

describe('answers kept while the database is unchanged', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const c of cleanups.splice(0).reverse()) c();
  });

  function study(): { db: string; writer: Store; router: ApiRouter; studyId: number } {
    const tmp = tempDir('nightshift-memo-');
    const db = path.join(tmp.dir, 'nightshift.db');
    const writer = openStore(db);
    const { study } = writer.createStudy(makeSpec('memo', OBJECTIVES), 'hash');
    writer.setStudyState(study.id, 'running', 'test');
    const router = new ApiRouter({ db });
    cleanups.push(tmp.cleanup, () => writer.close(), () => void router.close());
    return { db, writer, router, studyId: study.id };
  }
  const finish = (store: Store, studyId: number, acc: number, energy: number) => {
    store.enqueueTrial(studyId, { params: { lr: 0.01, optimizer: 'adam' }, budget: null, lineage: { kind: 'enqueued' } });
    const t = store.claimQueued(studyId, 'engine-a')!;
    for (let s = 1; s <= 3; s++) store.addReport(t.id, s, { val_accuracy: (acc * s) / 3 });
    store.finishTrial(t.id, { state: 'complete', values: { val_accuracy: acc, energy_j: energy }, metrics: {}, reason: null });
  };

  it('answers an unchanged study from what it computed, and equal to a fresh computation', async () => {
    const { db, writer, router, studyId } = study();
    for (let i = 0; i < 6; i++) finish(writer, studyId, 0.5 + i * 0.05, 100 + i * 50);
    const first = await call(router, 'study.summary', { study: 'memo' });
    const again = await call(router, 'study.summary', { study: 'memo' });
    // The same computed parts, not a recomputation of them.
    expect(again.points).toBe(first.points);
    expect(again.curves).toBe(first.curves);
    expect(again.hypervolume).toBe(first.hypervolume);
    const reader = openStoreReader(db);
    cleanups.push(() => reader.close());
    const s = reader.getStudy('memo')!;
    const fresh = studySummary(reader, s, null, Date.now(), { live: false, gpus: [] });
    expect(again).toEqual(fresh);
    expect(await call(router, 'study.morning', { study: 'memo' })).toEqual(morningSummary(reader, s, 'run', Date.now()));
    const timeline = await call(router, 'study.timeline', { study: 'memo' });
    expect({ ...timeline, now_ms: 0 }).toEqual({ ...studyTimeline(reader, s, Date.now()), now_ms: 0 });
  });

  it('shows a trial another connection finished on the very next call', async () => {
    const { db, router, studyId } = study();
    const other = openStore(db);
    cleanups.push(() => other.close());
    finish(other, studyId, 0.6, 300);
    const before = await call(router, 'study.summary', { study: 'memo' });
    const morningBefore = await call(router, 'study.morning', { study: 'memo' });
    const timelineBefore = await call(router, 'study.timeline', { study: 'memo' });
    expect(before.points_total).toBe(1);
    finish(other, studyId, 0.9, 200);
    const after = await call(router, 'study.summary', { study: 'memo' });
    expect(after.points_total).toBe(2);
    expect(after.pareto.map((t) => t.number)).toEqual([1]);
    expect(after.best_so_far.by_trial.at(-1)?.y).toBe(0.9);
    expect(after.curves?.trial_count).toBe(2);
    expect(after.budget.energy_j.used).toBeGreaterThan(before.budget.energy_j.used ?? 0);
    expect((await call(router, 'study.morning', { study: 'memo' })).counts.complete).toBe(morningBefore.counts.complete + 1);
    expect((await call(router, 'study.timeline', { study: 'memo' })).bars.number).toHaveLength(timelineBefore.bars.number.length + 1);
  });

  it('never keeps what grows with the clock: a running trial ends now on the timeline and in the morning window', async () => {
    const { writer, router, studyId } = study();
    finish(writer, studyId, 0.6, 300);
    writer.enqueueTrial(studyId, { params: { lr: 0.02, optimizer: 'adam' }, budget: null, lineage: { kind: 'enqueued' } });
    const running = writer.claimQueued(studyId, 'engine-a')!;
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now() + 60_000;
    vi.setSystemTime(t0);
    const a = await call(router, 'study.timeline', { study: 'memo' });
    const ma = await call(router, 'study.morning', { study: 'memo' });
    vi.setSystemTime(t0 + 30_000);
    const b = await call(router, 'study.timeline', { study: 'memo' });
    const mb = await call(router, 'study.morning', { study: 'memo' });
    const endOf = (t: typeof a) => {
      const i = t.bars.number.indexOf(running.number);
      return t.start_ms! + t.bars.start[i]! + t.bars.duration[i]!;
    };
    expect(endOf(a)).toBe(t0);
    expect(endOf(b)).toBe(t0 + 30_000);
    expect(mb.until).toBe(new Date(t0 + 30_000).toISOString());
    expect(mb.wall_time_s! - ma.wall_time_s!).toBeCloseTo(30, 3);
  });
});

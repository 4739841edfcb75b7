// The router's read cache on real SQLite files: whole-study reads are shared while the database is unchanged,
// and any commit (through the same connection, another connection, or a reader opened read-only as
// `serve --readonly` opens one) shows on the very next read, with no time window in which a page is stale.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadCache } from '../../src/main/api/read-cache.js';
import { openStore, openStoreReader } from '../../src/main/engine/storage/open.js';
import type { Store, StoreReader } from '../../src/main/engine/storage/types.js';
import { makeSpec, tempDir } from '../engine/storage/helpers.js';

describe('read cache', () => {
  const open: { close(): void }[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
    for (const c of cleanups.splice(0)) c();
  });

  function database(): { file: string; writer: Store; studyId: number } {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const file = path.join(tmp.dir, 'nightshift.db');
    const writer = openStore(file);
    open.push(writer);
    const { study } = writer.createStudy(makeSpec('mlp'), 'hash');
    return { file, writer, studyId: study.id };
  }
  const finishOne = (store: Store, studyId: number, acc: number) => {
    store.enqueueTrial(studyId, { params: { lr: 0.01 }, budget: null, lineage: { kind: 'enqueued' } });
    const t = store.claimQueued(studyId, 'engine-a')!;
    store.addReport(t.id, 1, { val_accuracy: acc });
    store.finishTrial(t.id, { state: 'complete', values: { val_accuracy: acc }, metrics: {}, reason: null });
  };

  it('answers repeated whole-study reads from one read while nothing changes', () => {
    const { file, writer, studyId } = database();
    finishOne(writer, studyId, 0.5);
    const reader: StoreReader = openStoreReader(file);
    open.push(reader);
    const cached = new ReadCache().reader(reader);
    const first = cached.trials(studyId);
    expect(cached.trials(studyId)).toBe(first);
    expect(cached.metricSeries(studyId, 'val_accuracy')).toBe(cached.metricSeries(studyId, 'val_accuracy'));
    expect(first.map((t) => t.values.val_accuracy)).toEqual([0.5]);
  });

  it('shows a commit by another connection on the next read', () => {
    const { file, writer, studyId } = database();
    finishOne(writer, studyId, 0.5);
    const reader = openStoreReader(file);
    open.push(reader);
    const cached = new ReadCache().reader(reader);
    expect(cached.trials(studyId)).toHaveLength(1);
    expect(cached.counts(studyId).complete).toBe(1);
    // Another engine (a `nightshift run` in a terminal) writes to the file.
    finishOne(writer, studyId, 0.7);
    expect(cached.trials(studyId).map((t) => t.values.val_accuracy)).toEqual([0.5, 0.7]);
    expect(cached.counts(studyId).complete).toBe(2);
    expect([...cached.metricSeries(studyId, 'val_accuracy').values()].map((p) => p[0]!.value)).toEqual([0.5, 0.7]);
  });

  it('shows a write through the same connection on the next read', () => {
    const { writer, studyId } = database();
    const cached = new ReadCache().reader(writer);
    expect(cached.trials(studyId)).toEqual([]);
    finishOne(writer, studyId, 0.6);
    expect(cached.trials(studyId).map((t) => t.state)).toEqual(['complete']);
    writer.addEvent(studyId, null, 'note', 'hello');
    expect(cached.events(studyId).at(-1)?.message).toBe('hello');
  });

  it('keeps a bounded number of reads', () => {
    const { file, writer, studyId } = database();
    finishOne(writer, studyId, 0.5);
    const reader = openStoreReader(file);
    open.push(reader);
    const cached = new ReadCache().reader(reader);
    const first = cached.metricSeries(studyId, 'm0');
    for (let i = 1; i <= 40; i++) cached.metricSeries(studyId, `m${i}`);
    expect(cached.metricSeries(studyId, 'm0')).not.toBe(first);
    expect(cached.metricSeries(studyId, 'm40')).toBe(cached.metricSeries(studyId, 'm40'));
  });
});

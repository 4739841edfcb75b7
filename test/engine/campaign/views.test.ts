// The trial views schedulers read: every objective's reports with their order of arrival, the same
// whether the engine saw them live or a restarted engine loads them from the database.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrialViews } from '../../../src/main/engine/campaign/views.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import type { TrialRecord } from '../../../src/main/engine/storage/types.js';
import { trialRecord } from '../../helpers/trial-record.js';
import { specHash } from '../../../src/main/engine/study/spec-hash.js';
import { tempDir } from '../../helpers/cli.js';
import { testSpec } from '../../helpers/spec.js';

const spec = testSpec({
  name: 'views',
  objectives: [
    { metric: 'acc', direction: 'maximize' },
    { metric: 'energy_j', direction: 'minimize' },
  ],
});

describe('trial views', () => {
  it('give a restarted engine the reports, and their order of arrival, that the live engine saw', () => {
    const store = openStore(path.join(tempDir(), 'v.db'));
    const { study } = store.createStudy(spec, specHash(spec));
    const live = TrialViews.load(store, study.id, spec.objectives);
    const running = [0, 1].map(() => {
      store.enqueueTrial(study.id, { params: {}, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
      const t = store.claimQueued(study.id, 'e')!;
      live.upsert(t);
      return t;
    });
    // Interleaved, as two trials side by side report; a report without the first objective still counts.
    const reports: [number, number, Record<string, number>][] = [
      [1, 1, { acc: 0.5, energy_j: 10, loss: 3 }],
      [0, 1, { acc: 0.6, energy_j: 12 }],
      [0, 2, { energy_j: 20 }],
      [1, 2, { acc: 0.7, energy_j: 19 }],
    ];
    for (const [i, step, metrics] of reports) {
      store.addReport(running[i]!.id, step, metrics);
      live.report(running[i]!.number, step, metrics);
    }
    const loaded = TrialViews.load(store, study.id, spec.objectives);
    const order = (views: TrialViews): string[] =>
      views
        .all()
        .flatMap((t) => [...t.progress!].map(([step, r]) => ({ key: `${t.number}@${step}`, seq: r.seq })))
        .sort((a, b) => a.seq - b.seq)
        .map((r) => r.key);
    expect(order(live)).toEqual(['1@1', '0@1', '0@2', '1@2']);
    expect(order(loaded)).toEqual(order(live));
    const values = (views: TrialViews) => views.all().map((t) => [...t.progress!].map(([step, r]) => [step, r.values]));
    expect(values(loaded)).toEqual(values(live));
    expect(values(loaded)[0]).toEqual([
      [1, { acc: 0.6, energy_j: 12 }],
      [2, { energy_j: 20 }],
    ]);
    expect([...loaded.all()[1]!.intermediate]).toEqual([
      [1, 0.5],
      [2, 0.7],
    ]);
    // Reports after a restart come after every stored one.
    store.addReport(running[0]!.id, 3, { acc: 0.8, energy_j: 30 });
    loaded.report(running[0]!.number, 3, { acc: 0.8, energy_j: 30 });
    expect(order(loaded).at(-1)).toBe('0@3');
    store.close();
  });

  it('load a study longer than one page of trials with every trial, report and order intact', () => {
    const store = openStore(path.join(tempDir(), 'long.db'));
    // Speed only: this test checks what is read back, not durability.
    (store as unknown as { db: { pragma(s: string): unknown } }).db.pragma('synchronous = OFF');
    const { study } = store.createStudy(spec, specHash(spec));
    const live = TrialViews.load(store, study.id, spec.objectives);
    const n = 1_234;
    for (let i = 0; i < n; i++) {
      store.enqueueTrial(study.id, { params: { i }, budget: null, lineage: { kind: 'sampler', detail: 'random' } });
      const t = store.claimQueued(study.id, 'e')!;
      live.upsert(t);
      for (const step of i % 3 === 0 ? [1, 2] : [1]) {
        const metrics = { acc: i / n + step, energy_j: step };
        store.addReport(t.id, step, metrics);
        live.report(t.number, step, metrics);
      }
      live.upsert(store.finishTrial(t.id, { state: 'complete', values: { acc: i / n, energy_j: 2 }, metrics: { duration_s: 1 }, reason: null }));
    }
    const loaded = TrialViews.load(store, study.id, spec.objectives);
    const picture = (views: TrialViews) =>
      views.all().map((t) => ({ number: t.number, params: t.params, values: t.values, metrics: t.metrics, progress: [...t.progress!].map(([step, r]) => [step, r.values]), intermediate: [...t.intermediate] }));
    // Only the order of reports matters (live counting and stored rowids differ in value).
    const order = (views: TrialViews) =>
      views
        .all()
        .flatMap((t) => [...t.progress!].map(([step, r]) => ({ key: `${t.number}@${step}`, seq: r.seq })))
        .sort((a, b) => a.seq - b.seq)
        .map((r) => r.key);
    expect(loaded.all()).toHaveLength(n);
    expect(picture(loaded)).toEqual(picture(live));
    expect(order(loaded)).toEqual(order(live));
    store.close();
  });

  it('answer like Maps: a step reported again keeps its place and order, and takes the new values', () => {
    const views = new TrialViews(['acc', 'energy_j']);
    const rec = (number: number, state: TrialRecord['state']): TrialRecord => ({
      ...trialRecord(),
      number,
      state,
      values: state === 'complete' ? { acc: 0.9, energy_j: 5 } : {},
      metrics: state === 'complete' ? { energy_j: 7, duration_s: 3, peak_rss_mb: 100 } : {},
    });
    views.upsert(rec(0, 'running'));
    views.report(0, 3, { acc: 0.1, energy_j: 1 });
    views.report(0, 1, { energy_j: 2, loss: 9 });
    views.report(0, 3, { acc: 0.3 });
    views.report(0, 5, { loss: 1 }); // no objective: not a report schedulers see
    const expected = new Map([
      [3, 0.3],
      [1, undefined],
    ]);
    const t = views.all()[0]!;
    expect([...t.intermediate]).toEqual([[3, 0.3]]);
    expect(t.intermediate.size).toBe(1);
    expect(t.intermediate.get(3)).toBe(0.3);
    expect(t.intermediate.has(1)).toBe(false);
    expect([...t.intermediate.keys()]).toEqual([3]);
    expect([...t.intermediate.values()]).toEqual([0.3]);
    const seen: [number, number][] = [];
    t.intermediate.forEach((v, k) => seen.push([k, v]));
    expect(seen).toEqual([[3, 0.3]]);
    expect([...t.progress!.keys()]).toEqual([...expected.keys()]);
    expect(t.progress!.size).toBe(2);
    expect(t.progress!.has(5)).toBe(false);
    expect(t.progress!.get(3)).toEqual({ seq: 1, values: { acc: 0.3, energy_j: 1 } });
    expect(t.progress!.get(1)).toEqual({ seq: 2, values: { energy_j: 2 } });
    // The reports live on when the trial ends; the view is replaced, and `all()` shows the new one.
    views.upsert(rec(0, 'complete'));
    const done = views.all()[0]!;
    expect(done.state).toBe('complete');
    expect([...done.intermediate]).toEqual([[3, 0.3]]);
    // Samplers read the objectives and the measured energy; an objective of the same name wins.
    expect(done.metrics).toEqual({ acc: 0.9, energy_j: 5 });
    views.upsert({ ...rec(1, 'complete'), values: { acc: 0.5 } });
    expect(views.all().map((v) => v.number)).toEqual([0, 1]);
    expect(views.all()[1]!.metrics).toEqual({ acc: 0.5, energy_j: 7 });
  });
});

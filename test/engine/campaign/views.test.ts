// The trial views schedulers read: every objective's reports with their order of arrival, the same
// whether the engine saw them live or a restarted engine loads them from the database.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrialViews } from '../../../src/main/engine/campaign/views.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
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
});

// The study page's morning summary, timeline and the scale of study.summary, against a real campaign (real
// trial processes, some failing for two different reasons) and a real SQLite file, checked against the
// database itself; and an Optuna storage served read-only.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { openStore, openStoreReader } from '../../src/main/engine/storage/open.js';
import { specHash } from '../../src/main/engine/study/spec-hash.js';
import { parseStudyText } from '../../src/main/engine/study/spec.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/procs.js';
import { fingerprint, makeOptunaDb } from '../engine/optuna/helpers.js';
import { failingStudy } from './failing-study.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

describe('study.morning and study.timeline (real campaign)', () => {
  const dir = tempDir('nightshift-morning-');
  const fx = failingStudy(dir);
  const router = new ApiRouter({ db: fx.db });
  let done = false;
  router.subscribe((e) => {
    if (e.event === 'study' && e.payload.state === 'finished') done = true;
  });
  beforeAll(async () => {
    await call(router, 'campaign.start', { file: fx.file });
    await waitFor(() => done, 60_000, 'the campaign to finish');
    await waitFor(() => router.activeCampaigns().length === 0, 5000, 'the campaign to let go');
  }, 90_000);
  afterAll(() => router.close());

  const db = () => {
    const store = openStoreReader(fx.db);
    const s = store.getStudy('morning')!;
    const out = { study: s, counts: store.counts(s.id), trials: store.trials(s.id) };
    store.close();
    return out;
  };

  it('counts, failure groups, wall time and best against baseline equal the database', async () => {
    const m = await call(router, 'study.morning', { study: 'morning' });
    const d = db();
    expect(m.since_kind).toBe('run');
    expect(m.counts).toEqual(d.counts);
    expect(d.counts.failed).toBeGreaterThanOrEqual(2);
    // Every failed trial is in exactly one group, and alike failures share one (values masked, exit code kept).
    const grouped = m.failures.flatMap((g) => g.trials).sort((a, b) => a - b);
    expect(grouped).toEqual(d.trials.filter((t) => t.state === 'failed').map((t) => t.number));
    const diverged = d.trials.filter((t) => t.reason?.startsWith('exit code 1:')).map((t) => t.number);
    const oom = d.trials.filter((t) => t.reason?.startsWith('exit code 3:')).map((t) => t.number);
    expect(m.failures.map((g) => g.trials).sort((a, b) => b.length - a.length)).toEqual([diverged, oom].filter((g) => g.length > 0).sort((a, b) => b.length - a.length));
    const div = m.failures.find((g) => g.trials.includes(diverged[0]!))!;
    expect(div.reason).toBe('exit code 1: loss diverged at x=N after N epochs');
    // Each group's filter finds exactly its trials in the trials table.
    for (const g of m.failures) {
      const page = await call(router, 'study.trials', { study: 'morning', filter: { states: ['failed'], text: g.match }, limit: 1000 });
      expect(page.trials.map((t) => t.number).sort((a, b) => a - b)).toEqual(g.trials);
    }
    const starts = d.trials.map((t) => Date.parse(t.startedAt!));
    const ends = d.trials.map((t) => Date.parse(t.endedAt!));
    expect(m.wall_time_s).toBeCloseTo((Math.max(...ends) - Math.min(...starts)) / 1000, 3);
    const baseline = d.trials.find((t) => t.lineage.kind === 'baseline')!;
    const best = d.trials.filter((t) => t.state === 'complete').reduce((a, b) => (b.values.acc! > a.values.acc! ? b : a));
    expect(m.best).toHaveLength(1);
    expect(m.best[0]!.best).toMatchObject({ number: best.number, value: best.values.acc });
    expect(m.best[0]!.baseline).toMatchObject({ number: baseline.number, value: baseline.values.acc });
    expect(m.best[0]!.change).toBeCloseTo(best.values.acc! - baseline.values.acc!, 12);
    expect(m.stop_reason).toBe(d.study.stopReason);
    expect(m.attention.find((a) => a.kind === 'failures')!.trials).toEqual(m.failures[0]!.trials);
    // What the window's trial processes cost beside epochs, from the trials' own figures.
    const ran = d.trials.filter((t) => t.metrics.duration_s !== undefined);
    expect(ran.length).toBeGreaterThan(0);
    expect(m.processes.processes).toBe(ran.length);
    expect(m.processes.process_seconds).toBeCloseTo(ran.reduce((sum, t) => sum + t.metrics.duration_s!, 0), 6);
    const started = d.trials.filter((t) => t.metrics.startup_s !== undefined);
    expect(started.length).toBeGreaterThan(0);
    expect(m.processes.startup_s).toBeCloseTo(started.reduce((sum, t) => sum + t.metrics.startup_s!, 0), 6);
    expect(m.processes.paused_s).toBeNull();
    // The fixed cost's share: the trials' start-up energy over the energy they spent.
    const startupJ = started.reduce((sum, t) => sum + (t.metrics.startup_energy_j ?? 0), 0);
    const energyJ = ran.reduce((sum, t) => sum + (t.metrics.energy_j ?? 0), 0);
    expect(startupJ).toBeGreaterThan(0);
    expect(m.processes.startup_energy_j).toBeCloseTo(startupJ, 6);
    expect(m.processes.energy_j).toBeCloseTo(energyJ, 6);
    expect(m.processes.startup_energy_share).toBeCloseTo(startupJ / energyJ, 9);
  });

  it('a chosen time counts only trials that ended after it', async () => {
    const d = db();
    const ends = d.trials.map((t) => t.endedAt!).sort();
    const mid = ends[Math.floor(ends.length / 2)]!;
    const m = await call(router, 'study.morning', { study: 'morning', since: mid });
    expect(m.since_kind).toBe('time');
    const after = d.trials.filter((t) => t.endedAt! >= mid);
    for (const st of ['complete', 'failed', 'pruned'] as const) expect(m.counts[st]).toBe(after.filter((t) => t.state === st).length);
    expect(m.counts.complete + m.counts.failed).toBeLessThan(d.trials.length);
    const bad = await router.handle('study.morning', { study: 'morning', since: 'yesterday' });
    expect(bad.ok).toBe(false);
  });

  it('a finished study shows the wall time its last run used, not 0', async () => {
    const s = await call(router, 'study.summary', { study: 'morning' });
    const m = await call(router, 'study.morning', { study: 'morning' });
    expect(s.active).toBe(false);
    expect(s.budget.wall_time_s.used).toBeGreaterThan(0);
    expect(s.budget.wall_time_s.used).toBeCloseTo(m.wall_time_s!, 3);
  });

  it('the timeline has one bar per trial, at its times, on two lanes that never overlap', async () => {
    const t = await call(router, 'study.timeline', { study: 'morning' });
    const d = db();
    expect([...t.bars.number].sort((a, b) => a - b)).toEqual(d.trials.map((x) => x.number));
    const start = (i: number) => t.start_ms! + t.bars.start[i]!;
    const end = (i: number) => start(i) + t.bars.duration[i]!;
    t.bars.number.forEach((n, i) => {
      const r = d.trials.find((x) => x.number === n)!;
      expect(start(i)).toBe(Date.parse(r.startedAt!));
      expect(end(i)).toBe(Date.parse(r.endedAt!));
      expect(t.states[t.bars.state[i]!]).toBe(r.state);
    });
    // parallel: 2, so never more than two trials at once: two lanes, each a sequence.
    expect(t.lanes).toEqual(['lane 1', 'lane 2']);
    for (const lane of [0, 1]) {
      const own = t.bars.number.map((_, i) => i).filter((i) => t.bars.lane[i] === lane).sort((a, b) => start(a) - start(b));
      for (let k = 1; k < own.length; k++) expect(start(own[k]!)).toBeGreaterThanOrEqual(end(own[k - 1]!));
    }
    expect(t.idle_fraction).toBeGreaterThanOrEqual(0);
    expect(t.idle_fraction).toBeLessThan(1);
  });
});

describe('study.summary at 10,000 trials', () => {
  it('stays under 200 KB, keeps every front point and summarises the curves as bands', async () => {
    const dir = tempDir('nightshift-scale-');
    const dbFile = path.join(dir, 'scale.db');
    const spec = parseStudyText(
      'name: scale\ntrainer: {command: [node, t.mjs]}\nsearch_space:\n  lr: {type: float, low: 0.0001, high: 0.1, log: true}\n  units: {type: int, low: 16, high: 512}\nobjectives:\n  - {metric: acc, direction: maximize}\n  - {metric: energy_j, direction: minimize}\n',
      { file: path.join(dir, 'scale.yaml'), format: 'yaml', strategies: STRATEGIES },
    );
    const store = openStore(dbFile);
    const { study } = store.createStudy(spec, specHash(spec));
    let rnd = 7;
    const rand = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    store.transaction(() => {
      for (let i = 0; i < 10_000; i++) {
        const t = store.enqueueTrial(study.id, { params: { lr: 0.0001 + rand() * 0.0999, units: 16 + Math.floor(rand() * 496) }, budget: null, lineage: { kind: 'enqueued' } });
        store.claimQueued(study.id, 'test|1|x');
        const energy = 100 + rand() * 5000;
        const acc = Math.min(0.99, 0.5 + 0.45 * (1 - Math.exp(-energy / 1500)) * rand() ** 0.3);
        const steps = i === 0 ? 2000 : 5;
        for (let s = 1; s <= steps; s++) store.addReport(t.id, s, { acc: acc * (1 - Math.exp(-s / (steps / 4))) });
        store.finishTrial(t.id, { state: 'complete', values: { acc, energy_j: energy }, metrics: {}, reason: null });
      }
    });
    store.close();
    const router = new ApiRouter({ db: dbFile, readonly: true });
    try {
      const s = await call(router, 'study.summary', { study: 'scale' });
      expect(Buffer.byteLength(JSON.stringify(s))).toBeLessThan(200 * 1024);
      expect(s.points_total).toBe(10_000);
      const check = openStoreReader(dbFile);
      const { bestTrials } = await import('../../src/main/engine/study/pareto.js');
      const front = bestTrials(check.trials(check.getStudy('scale')!.id), spec.objectives).map((t) => t.number);
      check.close();
      expect(s.points.filter((p) => p.front === 0).map((p) => p.number)).toEqual(front);
      expect(s.points.length).toBeLessThan(1000);
      expect(s.curves!.bands!.length).toBeGreaterThan(5);
      expect(s.curves!.trial_count).toBe(10_000);
      // The best trial's curve is drawn over the bands.
      const best = s.points.reduce((a, b) => (b.values.acc! > a.values.acc! ? b : a));
      expect(s.curves!.trials[0]!.number).toBe(best.number);
      for (const b of s.curves!.bands!) expect(b.q10 <= b.q25 && b.q25 <= b.q50 && b.q50 <= b.q75 && b.q75 <= b.q90).toBe(true);
      // The best-so-far step series keeps its changes and its end.
      expect(s.best_so_far.by_trial.at(-1)!.y).toBe(best.values.acc);
      expect(s.best_so_far.by_trial.at(-1)!.x).toBe(9999);
    } finally {
      await router.close();
    }
  }, 120_000);
});

describe('an Optuna storage in the API', () => {
  it('opens read-only, lists and summarises its studies, refuses writes, and stays byte-identical', async () => {
    const { file, truth } = makeOptunaDb();
    const before = fingerprint(file);
    const router = new ApiRouter({ db: file });
    try {
      expect(await call(router, 'db.info', {})).toMatchObject({ file, readonly: true, kind: 'optuna' });
      const list = await call(router, 'studies.list', {});
      expect(list.length).toBeGreaterThan(0);
      const single = list.find((s) => s.name === 'single')!;
      const summary = await call(router, 'study.summary', { study: single.name });
      expect(summary.counts).toEqual(single.counts);
      const best = summary.points.find((p) => p.front === 0)!;
      expect(best.values[single.objectives[0]!.metric]).toBe(truth.single.best_value);
      const timeline = await call(router, 'study.timeline', { study: single.name });
      expect(timeline.bars.number.length).toBe(Object.values(single.counts).reduce((a, b) => a + b, 0) - single.counts.queued);
      const morning = await call(router, 'study.morning', { study: single.name });
      expect(morning.counts.complete).toBe(single.counts.complete);
      const refused = await router.handle('campaign.start', { study: single.name });
      expect(refused.ok ? null : refused.error.code).toBe('readonly');
      // Asked writable, it is still opened read-only.
      expect(await call(router, 'db.open', { file, readonly: false })).toMatchObject({ readonly: true, kind: 'optuna' });
    } finally {
      await router.close();
    }
    expect(fingerprint(file)).toEqual(before);
  });
});

// Every API method against a real engine, real trial processes and a real SQLite file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import { API_METHODS } from '../../src/shared/api.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { bestTrials } from '../../src/main/engine/study/pareto.js';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import { tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/procs.js';
import { writeStudy } from './helpers.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

async function error(router: ApiRouter, method: unknown, req: unknown) {
  const r = await router.handle(method, req);
  if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
  return r.error;
}

describe('API router (every method, real engine)', () => {
  const fx = writeStudy({ name: 'twoobj', trials: 10, delayMs: 5, parallel: 2 });
  const router = new ApiRouter({ db: fx.db });
  const events: ApiEvent[] = [];
  router.subscribe((e) => events.push(e));
  afterAll(() => router.close());

  it('studies.list, db.info and study.validate before any study', async () => {
    expect(await call(router, 'studies.list', {})).toEqual([]);
    expect(await call(router, 'db.info', {})).toEqual({ file: fx.db, readonly: false, artifacts: fx.dir, kind: 'nightshift' });
    const good = await call(router, 'study.validate', { text: 'name: a\ntrainer: {command: [node, t.mjs]}\nsearch_space: {x: {type: float, low: 0, high: 1}}\nobjectives: [{metric: m, direction: minimize}]\n' });
    expect(good).toEqual({ ok: true, issues: [], name: 'a' });
    const bad = await call(router, 'study.validate', { text: 'name: a\ntrainer: {command: [node, t.mjs]}\nsearch_space: {x: {type: float, low: 0, high: 1, log: true}}\nobjectives: [{metric: m, direction: minimize}]\n' });
    expect(bad.ok).toBe(false);
    expect(bad.issues.map((i) => i.path)).toContain('search_space.x.low');
  });

  it('campaign.start runs a study file to its budget, pushing events', async () => {
    const started = await call(router, 'campaign.start', { file: fx.file });
    expect(started).toEqual({ study: 'twoobj', state: 'running' });
    expect(router.activeCampaigns()).toEqual(['twoobj']);
    await waitFor(() => events.some((e) => e.event === 'study' && e.payload.state === 'finished'), 30_000, 'the campaign to finish');
    await waitFor(() => router.activeCampaigns().length === 0, 5000, 'the campaign to let go');
    expect(events.filter((e) => e.event === 'report').length).toBe(30);
    expect(events.filter((e) => e.event === 'trial-state' && e.payload.state === 'complete').length).toBe(10);
  });

  it('study.summary gives the Pareto set the database holds, points, best-so-far and budget use', async () => {
    const s = await call(router, 'study.summary', { study: 'twoobj' });
    expect(s.state).toBe('finished');
    expect(s.counts.complete).toBe(10);
    expect(s.budget.trials).toEqual({ used: 10, limit: 10 });
    expect(s.points).toHaveLength(10);

    const store = openStoreReader(fx.db);
    const study = store.getStudy('twoobj')!;
    const expected = bestTrials(store.trials(study.id), study.objectives).map((t) => t.number);
    store.close();
    expect(expected.length).toBeGreaterThan(1);
    expect(s.pareto.map((t) => t.number)).toEqual(expected);
    expect(s.points.filter((p) => p.front === 0).map((p) => p.number)).toEqual(expected);

    const ys = s.best_so_far.by_trial.map((p) => p.y);
    expect(ys).toHaveLength(10);
    for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeGreaterThanOrEqual(ys[i - 1]!);
    expect(ys.at(-1)).toBe(Math.max(...s.points.map((p) => p.values.acc!)));

    const list = await call(router, 'studies.list', {});
    expect(list).toHaveLength(1);
    expect(list[0]!.best.acc).toBe(ys.at(-1));
    expect(list[0]!.active).toBe(false);
  });

  it('study.trials sorts, filters and pages', async () => {
    const all = await call(router, 'study.trials', { study: 'twoobj', sort: { key: 'value.acc', direction: 'desc' }, limit: 1000 });
    expect(all.total).toBe(10);
    const accs = all.trials.map((t) => t.values.acc!);
    expect(accs).toEqual([...accs].sort((a, b) => b - a));
    const page = await call(router, 'study.trials', { study: 'twoobj', offset: 4, limit: 3, sort: { key: 'number', direction: 'asc' } });
    expect(page.trials.map((t) => t.number)).toEqual([4, 5, 6]);
    const none = await call(router, 'study.trials', { study: 'twoobj', filter: { states: ['failed'] } });
    expect(none.total).toBe(0);
  });

  it('trial.detail returns params, reports, the log tail and the command', async () => {
    const d = await call(router, 'trial.detail', { study: 'twoobj', number: 3 });
    expect(d.trial.state).toBe('complete');
    expect(d.reports.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(d.reports[2]!.metrics.acc).toBeCloseTo(d.trial.params.x as number, 12);
    // The log keeps the whole stdout: three log lines and three report lines.
    expect(d.logs.stdout.split('\n')).toHaveLength(6);
    expect(d.logs.stdout).toContain(`epoch 3 of trial`);
    expect(d.logs.stdout).toContain(`x=${d.trial.params.x}`);
    expect(d.logs.stderr).toContain('done with x=');
    expect(d.command?.argv.slice(0, 3)).toEqual(['node', 'trial.mjs', '--x']);
    expect(d.command?.cwd).toBe(fx.dir);
  });

  it('trial.enqueue checks the configuration against the search space, then queues it', async () => {
    const bad = await error(router, 'trial.enqueue', { study: 'twoobj', params: { x: 2, y: 0.5 } });
    expect(bad.code).toBe('invalid_request');
    expect(bad.message).toMatch(/x: 2 is outside \[0, 1\]/);
    expect((await error(router, 'trial.enqueue', { study: 'twoobj', params: { x: 0.5, y: 0.5, z: 1 } })).message).toMatch(/unknown parameter "z"/);
    const { number } = await call(router, 'trial.enqueue', { study: 'twoobj', params: { x: 0.5, y: 0.25 } });
    expect(number).toBe(10);
    const queued = await call(router, 'study.trials', { study: 'twoobj', filter: { states: ['queued'] } });
    expect(queued.trials.map((t) => [t.number, t.params])).toEqual([[10, { x: 0.5, y: 0.25 }]]);
    expect(events.at(-1)).toEqual({ event: 'trial-state', payload: { study: 'twoobj', number: 10, state: 'queued', reason: null } });
  });

  it('study.export is the CLI export shape', async () => {
    const e = await call(router, 'study.export', { study: 'twoobj' });
    expect(e.study.name).toBe('twoobj');
    expect(e.trials).toHaveLength(11);
  });

  it('trial.stop, campaign.pause, resume (campaign.start by name) and campaign.stop on a running campaign', async () => {
    const slow = writeStudy({ name: 'slow', trials: 50, delayMs: 1500, parallel: 2, dir: tempDir() });
    await call(router, 'campaign.start', { file: slow.file });
    await waitFor(() => events.filter((e) => e.event === 'trial-state' && e.payload.study === 'slow' && e.payload.state === 'running').length >= 2, 10_000, 'two running trials');
    expect(await call(router, 'trial.stop', { study: 'slow', number: 0, reason: 'looks hopeless' })).toEqual({ stopped: true });
    await waitFor(() => events.some((e) => e.event === 'trial-state' && e.payload.study === 'slow' && e.payload.number === 0 && e.payload.state === 'stopped'), 10_000, 'trial 0 stopped');
    const t0 = await call(router, 'trial.detail', { study: 'slow', number: 0 });
    expect(t0.trial.state).toBe('stopped');
    expect(t0.trial.reason).toBe('looks hopeless');
    expect(await call(router, 'trial.stop', { study: 'slow', number: 0 })).toEqual({ stopped: false });

    expect(await call(router, 'campaign.pause', { study: 'slow' })).toEqual({ study: 'slow', state: 'idle' });
    let s = await call(router, 'study.summary', { study: 'slow' });
    expect(s.counts.running).toBe(0);
    // Interrupted trials wait for the resume; the user-stopped one is not among them.
    const queued = await call(router, 'study.trials', { study: 'slow', filter: { states: ['queued'] } });
    expect(queued.trials.length).toBeGreaterThan(0);
    expect(queued.trials.every((t) => t.number > 0)).toBe(true);

    expect(await call(router, 'campaign.start', { study: 'slow' })).toEqual({ study: 'slow', state: 'running' });
    expect((await error(router, 'campaign.start', { study: 'slow' })).code).toBe('conflict');
    expect(await call(router, 'campaign.stop', { study: 'slow', reason: 'enough for today' })).toEqual({ study: 'slow', state: 'finished' });
    s = await call(router, 'study.summary', { study: 'slow' });
    expect(s.state).toBe('finished');
    expect(s.stop_reason).toBe('enough for today');
    expect(s.counts.running).toBe(0);
    expect(s.active).toBe(false);
    expect((await error(router, 'campaign.pause', { study: 'slow' })).code).toBe('conflict');
  });

  it('db.open switches to another file (and refuses what a read-only file cannot do)', async () => {
    const other = path.join(tempDir(), 'other.db');
    expect((await error(router, 'db.open', { file: other, readonly: true })).message).toMatch(/does not exist/);
    expect(await call(router, 'db.open', { file: other })).toEqual({ file: other, readonly: false, artifacts: path.dirname(other), kind: 'nightshift' });
    expect(existsSync(other)).toBe(true);
    expect(await call(router, 'studies.list', {})).toEqual([]);
    expect(events.at(-1)?.event).toBe('db');
    await call(router, 'db.open', { file: fx.db, readonly: true });
    expect((await call(router, 'studies.list', {})).map((s) => s.name).sort()).toEqual(['slow', 'twoobj']);
    const ro = await error(router, 'trial.enqueue', { study: 'twoobj', params: { x: 0.1, y: 0.1 } });
    expect(ro.code).toBe('readonly');
    expect((await error(router, 'campaign.start', { study: 'twoobj' })).code).toBe('readonly');
    await call(router, 'db.open', { file: fx.db });
  });

  it('answers malformed requests with a clear error and keeps working', async () => {
    expect((await error(router, 'study.delete', {})).code).toBe('unknown_method');
    expect((await error(router, 42, {})).code).toBe('unknown_method');
    expect((await error(router, '__proto__', {})).code).toBe('unknown_method');
    const wrong = await error(router, 'trial.detail', { study: 'twoobj', number: '3' });
    expect(wrong.code).toBe('invalid_request');
    expect(wrong.issues?.[0]?.path).toBe('number');
    expect((await error(router, 'trial.detail', { study: 'twoobj', number: 3, extra: 1 })).code).toBe('invalid_request');
    expect((await error(router, 'study.trials', { study: 'twoobj', sort: { key: 'rm -rf', direction: 'asc' } })).code).toBe('invalid_request');
    expect((await error(router, 'study.summary', null)).code).toBe('invalid_request');
    expect((await error(router, 'study.summary', { study: 'nope' })).message).toMatch(/no study named "nope".*twoobj/);
    expect((await error(router, 'trial.detail', { study: 'twoobj', number: 999 })).code).toBe('not_found');
    const missing = await error(router, 'campaign.start', { file: path.join(fx.dir, 'missing.yaml') });
    expect(missing.code).toBe('invalid_study');
    expect(missing.message).toMatch(/file not found/);
    // Every method of the contract is answered (none is left unregistered in the router).
    for (const m of API_METHODS) expect((await router.handle(m, { bogus: true })).ok, m).toBe(false);
    expect((await call(router, 'studies.list', {})).length).toBe(2);
  });
});

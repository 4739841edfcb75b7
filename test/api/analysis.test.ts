// The dashboard's analysis methods against the CLI commands that do the same job, on real campaigns in
// real SQLite files (and a real Optuna storage): the numbers must be the same, not just similar.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import type { ImportanceJson } from '../../src/shared/analysis.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { EnergyLedger } from '../../src/main/engine/lineage/index.js';
import { convergence } from '../../src/main/engine/report/convergence.js';
import { parseStudyText } from '../../src/main/engine/study/spec.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/procs.js';
import { makeOptunaDb } from '../engine/optuna/helpers.js';
import { writeStudy } from './helpers.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

const home = tempDir('nightshift-home-');
const env = cliEnv(home);
// Two studies in two database files, each run to its budget by the real CLI.
const a = writeStudy({ name: 'alpha', trials: 14, delayMs: 0, parallel: 2 });
const b = writeStudy({ name: 'beta', trials: 10, delayMs: 0, parallel: 2 });
let router: ApiRouter;

async function cli(args: string[]): Promise<string> {
  const r = await runCli(args, { env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  await cli(['run', a.file, '--db', a.db]);
  await cli(['run', b.file, '--db', b.db]);
  router = new ApiRouter({ db: a.db });
}, 120_000);

afterAll(async () => {
  await router?.close();
});

describe('analysis methods give the CLI numbers', () => {
  it('studies.compare over two files is `nightshift compare --json`, plus the convergence lines', async () => {
    const view = await call(router, 'studies.compare', { studies: [{ study: 'alpha' }, { study: 'beta', file: b.db }] });
    const json = JSON.parse(await cli(['compare', 'alpha', `beta@${b.db}`, '--db', a.db, '--json'])) as unknown;
    const { convergence, measured_fronts: _m, ...numbers } = view;
    expect(numbers).toEqual(json);
    expect(view.studies.map((s) => s.source)).toEqual([a.db, b.db]);
    expect(view.objectives.map((o) => o.metric)).toEqual(['acc', 'loss']);
    // The best-so-far line ends at the best value the table names, for each study and objective.
    view.studies.forEach((s, i) => {
      for (const o of view.objectives) expect(convergence[i]![o.metric]!.by_trial.at(-1)!.y).toBe(s.best[o.metric]!.value);
    });
  });

  it('the compare lines are report/convergence.ts\'s series (the study report\'s and the dashboard\'s) drawn as steps', async () => {
    const view = await call(router, 'studies.compare', { studies: [{ study: 'alpha' }] });
    const store = openStoreReader(a.db);
    const trials = store.trials(store.getStudy('alpha')!.id);
    store.close();
    for (const o of view.objectives) {
      const series = convergence(trials, o, new EnergyLedger(trials));
      const line = view.convergence[0]![o.metric]!;
      expect(line.by_trial.at(-1)).toEqual(series.byTrial.at(-1));
      expect(new Set(line.by_trial.map((p) => p.y))).toEqual(new Set(series.byTrial.map((p) => p.y)));
      // Every corner of the staircase is a point of the series: where the best changed, and the last trial.
      for (const p of line.by_trial.filter((_, i) => i % 2 === 0)) expect(series.byTrial).toContainEqual(p);
      const energy = series.byEnergy;
      if (energy) expect(line.by_energy_kj!.at(-1)).toEqual({ x: energy.at(-1)!.x / 1000, y: energy.at(-1)!.y });
      else expect(line.by_energy_kj).toBeNull();
    }
  });

  it('compare.sources lists an Optuna file read in place, and studies.compare reads it like the CLI', async () => {
    const { file } = makeOptunaDb();
    const src = await call(router, 'compare.sources', { file });
    expect(src.studies.map((s) => s.name)).toEqual(expect.arrayContaining(['single', 'multi']));
    const view = await call(router, 'studies.compare', { studies: [{ study: 'single', file }, { study: 'partial', file }] });
    const json = JSON.parse(await cli(['compare', `single@${file}`, `partial@${file}`, '--json'])) as unknown;
    const { convergence: _c, measured_fronts: _m, ...numbers } = view;
    expect(numbers).toEqual(json);
    const bad = await router.handle('compare.sources', { file: a.file });
    expect(bad.ok).toBe(false);
  });

  it('study.importance is `nightshift importance --json`', async () => {
    const api = await call(router, 'study.importance', { study: 'alpha' });
    const cliJson = JSON.parse(await cli(['importance', 'alpha', '--db', a.db, '--json'])) as ImportanceJson;
    expect(api).toEqual(cliJson);
    expect(api.objectives.map((o) => o.importance.length)).toEqual([2, 2]);
  });

  it('study.download html is the CLI report (but for the time it was made); csv and json are the CLI exports', async () => {
    const footer = (html: string) => html.replace(/ on [0-9T:.-]+Z\. Every number/, ' on <time>. Every number');
    const html = await call(router, 'study.download', { study: 'alpha', format: 'html' });
    expect(html.filename).toBe('alpha.html');
    expect(footer(html.text)).toBe(footer(await cli(['export', 'alpha', '--db', a.db, '--format', 'html'])));
    expect(html.text).not.toMatch(/<script/i);
    const csv = await call(router, 'study.download', { study: 'alpha', format: 'csv' });
    expect(csv.text).toBe(await cli(['export', 'alpha', '--db', a.db, '--format', 'csv']));
    const json = await call(router, 'study.download', { study: 'alpha', format: 'json' });
    expect(JSON.parse(json.text)).toEqual(JSON.parse(await cli(['export', 'alpha', '--db', a.db, '--format', 'json'])));
  });

  it('study.source writes the stored study back as a file that validates to the same spec', async () => {
    const src = await call(router, 'study.source', { study: 'alpha' });
    const v = await call(router, 'study.validate', { text: src.yaml, format: 'yaml' });
    expect(v).toEqual({ ok: true, issues: [], name: 'alpha' });
    const store = openStoreReader(a.db);
    const stored = store.getStudy('alpha')!.spec;
    store.close();
    expect(parseStudyText(src.yaml, { file: path.join(home, 'copy.yaml'), format: 'yaml', strategies: STRATEGIES })).toEqual(stored);
    expect(parseYaml(src.yaml)).toEqual(src.study);
  });

  it('study.trials keeps exactly the trials inside every brushed range', async () => {
    const all = await call(router, 'study.trials', { study: 'alpha', limit: 1000 });
    const page = await call(router, 'study.trials', {
      study: 'alpha',
      limit: 1000,
      filter: { ranges: [{ key: 'param.x', min: 0.2, max: 0.8 }, { key: 'value.loss', max: 0.5 }] },
    });
    const expected = all.trials.filter((t) => Number(t.params.x) >= 0.2 && Number(t.params.x) <= 0.8 && t.values.loss !== undefined && t.values.loss <= 0.5);
    expect(page.trials.map((t) => t.number)).toEqual(expected.map((t) => t.number));
    expect(page.total).toBe(expected.length);
    expect(expected.length).toBeLessThan(all.total);
    const states = await call(router, 'study.trials', { study: 'alpha', limit: 1000, filter: { ranges: [{ key: 'state', values: ['complete'] }] } });
    expect(states.total).toBe(all.trials.filter((t) => t.state === 'complete').length);
  });

  it('sensitivity.start runs the follow-up here; study.sensitivity then shows what `nightshift sensitivity --json` prints', async () => {
    expect(await call(router, 'study.sensitivity', { study: 'alpha' })).toBeNull();
    const started = await call(router, 'sensitivity.start', { study: 'alpha', points: 3 });
    expect(started).toMatchObject({ study: 'alpha-sensitivity', created: true });
    await waitFor(() => router.activeCampaigns().length === 0, 60_000, 'the follow-up campaign to end');
    const view = (await call(router, 'study.sensitivity', { study: 'alpha' }))!;
    expect(view.state).toBe('finished');
    expect(view.counts.complete).toBe(started.planned);
    const cliJson = JSON.parse(await cli(['sensitivity', 'alpha', '--db', a.db, '--json', '--out', path.join(home, 's.html')])) as { effects: unknown; suggestions: unknown };
    expect(view.effects).toEqual(cliJson.effects);
    expect(view.suggestions).toEqual(cliJson.suggestions);
    expect(view.effects.map((e) => e.param)).toEqual(['x', 'y']);
    // Asked again, it is not created twice.
    expect(await call(router, 'sensitivity.start', { study: 'alpha' })).toMatchObject({ created: false });
  }, 90_000);
});

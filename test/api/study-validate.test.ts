// study.validate runs the engine's full validation (sampler and scheduler options included) on every
// example and on the cases that used to pass it and fail at start; study.create refuses those before any
// file is written.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiRouter } from '../../src/main/api/router.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const examples = path.join(ROOT, 'resources/examples');

const study = (sampler: unknown, objectives: string[] = ['loss'], extra: Record<string, unknown> = {}) => ({
  name: 'form',
  trainer: { command: ['node', 't.mjs', '{x}'] },
  search_space: { x: { type: 'float', low: 0, high: 1 } },
  objectives: objectives.map((metric) => ({ metric, direction: 'minimize' })),
  sampler,
  ...extra,
});

describe('study.validate and study.create (full validation)', () => {
  const dir = tempDir();
  const router = new ApiRouter({ db: path.join(dir, 'n.db') });
  afterAll(() => router.close());

  it.each(readdirSync(examples).filter((f) => /\.ya?ml$/.test(f)))('accepts the example %s', async (name) => {
    const r = await router.handle('study.validate', { text: readFileSync(path.join(examples, name), 'utf8'), file: path.join(examples, name) });
    expect(r).toMatchObject({ ok: true, result: { ok: true, issues: [] } });
  });

  it.each([
    ['grid with a misspelt option', study({ type: 'grid', levelz: 3 }), 'sampler.levelz', /did you mean "levels"/],
    ['a two-objective cost-aware gp', study({ type: 'gp', cost_aware: true }, ['loss', 'energy_j']), 'sampler.cost_aware', /single objective/],
    ['tpe', study('tpe'), 'sampler', /unknown sampler "tpe"; available: random, sobol, grid, gp/],
    ['asha without a fidelity', study('random', ['loss'], { scheduler: 'asha' }), 'fidelity', /needs a fidelity/],
  ])('refuses %s with the path and the fix, and study.create writes nothing', async (_, body, at, message) => {
    const v = await router.handle('study.validate', { text: JSON.stringify(body), format: 'json' });
    expect(v).toMatchObject({ ok: true, result: { ok: false, issues: [{ path: at, message: expect.stringMatching(message) }] } });
    const file = path.join(dir, `${at}.yaml`);
    const c = await router.handle('study.create', { file, study: body });
    expect(c).toMatchObject({ ok: false, error: { code: 'invalid_study', issues: [{ path: at }] } });
    expect(existsSync(file)).toBe(false);
  });
});

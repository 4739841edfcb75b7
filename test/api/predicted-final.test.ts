// A running trial's predicted final value in study.summary's learning curves, under scheduler: {type: curve},
// against a real engine, a real trial process and SQLite.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse, StudySummary } from '../../src/shared/api.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { tempDir } from '../helpers/cli.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

// acc = 0.9 − 0.5·e^(−0.3·epoch): at the horizon (epoch 20) 0.8988.
const TRIAL = `const budget = Number(process.env.NIGHTSHIFT_BUDGET);
for (let epoch = 1; epoch <= budget; epoch++) {
  await new Promise((r) => setTimeout(r, 300));
  console.log('@nightshift ' + JSON.stringify({ step: epoch, acc: 0.9 - 0.5 * Math.exp(-0.3 * epoch) }));
}
`;

const savedHome = process.env.NIGHTSHIFT_HOME;
process.env.NIGHTSHIFT_HOME = tempDir('nightshift-home-');
writeFileSync(path.join(process.env.NIGHTSHIFT_HOME, 'settings.json'), JSON.stringify({ idle_seconds: 0 }));

async function poll(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('study.summary: predicted final of running trials (curve scheduler)', () => {
  const dir = tempDir('nightshift-curve-');
  writeFileSync(path.join(dir, 'trial.mjs'), TRIAL);
  const file = path.join(dir, 'curve.yaml');
  writeFileSync(
    file,
    [
      'name: curve-api',
      `trainer: {command: [${JSON.stringify(process.execPath)}, trial.mjs]}`,
      'search_space:',
      '  x: {type: float, low: 0, high: 1}',
      'objectives: [{metric: acc, direction: maximize}]',
      'fidelity: {param: epochs, min: 1, max: 20, eta: 3}',
      'scheduler: {type: curve}',
      'sampler: {type: random}',
      'budget: {trials: 1}',
      'resources: {parallel: 1}',
    ].join('\n') + '\n',
  );
  const router = new ApiRouter({ db: path.join(dir, 'nightshift.db') });
  afterAll(async () => {
    await router.close();
    if (savedHome === undefined) delete process.env.NIGHTSHIFT_HOME;
    else process.env.NIGHTSHIFT_HOME = savedHome;
  });

  it('gives the running trial a prediction and band at the horizon, and none once it has finished', async () => {
    await call(router, 'campaign.start', { file });
    let running: StudySummary['curves'] = null;
    await poll(
      async () => {
        const s = await call(router, 'study.summary', { study: 'curve-api' });
        const t = s.curves?.trials[0];
        if (t?.state === 'running' && t.points.length >= 8 && t.predicted) running = s.curves;
        return running !== null;
      },
      'a running trial with 8 reports and a prediction',
    );
    const p = running!.trials[0]!.predicted!;
    expect(p.horizon).toBe(20);
    expect(Math.abs(p.mean - 0.8988)).toBeLessThan(0.02);
    expect(p.lo).toBeLessThanOrEqual(p.mean);
    expect(p.hi).toBeGreaterThanOrEqual(p.mean);
    await poll(async () => (await call(router, 'study.summary', { study: 'curve-api' })).state === 'finished', 'the study to finish');
    const done = await call(router, 'study.summary', { study: 'curve-api' });
    expect(done.curves!.trials[0]!.state).toBe('complete');
    expect(done.curves!.trials[0]!.predicted).toBeUndefined();
  });
});

// The dashboard's study summary of a study with finalists (real engine, python3 trials, a real SQLite
// file): finalist runs are fp32 re-runs that score above every bf16 search trial, so any of them leaking
// into the search's points, front or best-so-far series would show; the validated winner is called best.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../src/shared/api.js';
import { ApiRouter } from '../../src/main/api/router.js';
import { Campaign } from '../../src/main/engine/campaign/campaign.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../src/main/engine/study/spec.js';
import { precisionStudy } from '../helpers/precision-study.js';
import { tempDir } from '../helpers/cli.js';

async function call<M extends ApiMethod>(router: ApiRouter, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await router.handle(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as ApiResponse<M>;
}

describe('study.summary of a study with finalists', () => {
  it('keeps finalist runs out of the search front, points, series and energy budget, and calls the validated winner best', async () => {
    const dir = tempDir('nightshift-api-finalists-');
    const file = precisionStudy(dir, 'trials: 3, energy: 1kJ');
    const db = path.join(dir, 'nightshift.db');
    const store = openStore(db);
    await Campaign.open({ store, spec: loadStudyFile(file, STRATEGIES), artifacts: dir }).run();
    const trials = store.trials(store.getStudy('prec')!.id);
    const runs = store.finalistRuns(store.getStudy('prec')!.id);
    store.close();
    const search = trials.filter((t) => !runs.has(t.id));
    const good = search.find((t) => t.params.config === 'good')!;
    const topSearchAcc = Math.max(...search.map((t) => t.values.acc!));
    // The plant: every finalist run of "good" (fp32) scores above the whole search.
    expect(trials.filter((t) => runs.get(t.id)?.parentNumber === good.number).every((t) => t.values.acc! > topSearchAcc)).toBe(true);

    const router = new ApiRouter({ db });
    try {
      const s = await call(router, 'study.summary', { study: 'prec' });
      expect(s.validated_best?.number).toBe(good.number);
      expect(s.finalists!.winner).toBe(good.number);
      expect(s.counts.complete).toBe(3);
      expect(s.finalist_counts.complete).toBe(6);
      // The search's front, points and series hold search trials only.
      expect(s.points.map((p) => p.number).sort()).toEqual(search.map((t) => t.number).sort());
      expect(s.pareto.map((t) => t.number)).toEqual([good.number]);
      expect(s.points.filter((p) => p.front === 0).map((p) => p.number)).toEqual([good.number]);
      expect(Math.max(...s.best_so_far.by_trial.map((p) => p.y))).toBe(topSearchAcc);
      expect(Math.max(...s.best_so_far.by_energy.map((p) => p.x))).toBeCloseTo(240, 9);
      // budget.energy is the search's: 100 + 80 + 60 J reported by the bf16 trials, not the 972 J of fp32 runs.
      expect(s.budget.energy_j).toEqual({ used: 240, limit: 1000 });
      expect(s.budget.trials.used).toBe(3);

      // The morning summary calls the same trial best, with its validated mean, never an fp32 finalist run.
      const m = await call(router, 'study.morning', { study: 'prec', since: 'study' });
      const winner = s.finalists!.finalists.find((f) => f.trial === good.number)!;
      expect(m.best.map((b) => [b.objective.metric, b.best.number, b.best.value, b.best.runs])).toEqual([['acc', good.number, winner.validated.acc!.mean, 3]]);
      expect(m.attention.find((a) => a.kind === 'best')?.message).toBe(`best acc: trial ${good.number} (validated by the finalists stage)`);
    } finally {
      await router.close();
    }
  }, 60_000);
});

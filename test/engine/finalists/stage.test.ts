// The finalists stage in a real campaign: python3 trials with seed-dependent noise, a configuration that
// was only lucky during the search (planted), and results recomputed here from the raw reports.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Campaign } from '../../../src/main/engine/campaign/campaign.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { finalistSeed } from '../../../src/main/engine/finalists/select.js';
import { studyShowJson } from '../../../src/main/engine/report/json.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { tempDir } from '../../helpers/cli.js';
import { noisyStudy } from '../../helpers/noisy-study.js';

const T975_DF2 = 4.302652729749462; // scipy.stats.t.ppf(0.975, 2)

describe('the finalists stage', () => {
  it('runs after the search, stores every run, and does not crown the configuration that was only lucky', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'f.db'));
    const campaign = Campaign.open({ store, spec: loadStudyFile(noisyStudy(dir), STRATEGIES), artifacts: dir });
    const result = await campaign.run();
    expect(result.state).toBe('finished');
    expect(result.reason).toBe('budget: 4 trials done; finalists: 9 of 9 runs done');

    const trials = store.trials(campaign.study.id);
    const runs = store.finalistRuns(campaign.study.id);
    const search = trials.filter((t) => !runs.has(t.id));
    const finalistTrials = trials.filter((t) => runs.has(t.id));
    // The search budget counts search trials only; the finalists ran on top of it.
    expect(search.map((t) => t.params.config).sort()).toEqual(['bad', 'good', 'lucky', 'mid']);
    expect(search.every((t) => t.state === 'complete')).toBe(true);
    const byConfig = new Map(search.map((t) => [t.params.config as string, t]));
    expect(byConfig.get('lucky')!.values.acc).toBeGreaterThan(0.9); // overrated by its lucky seed

    expect(finalistTrials).toHaveLength(9);
    for (const t of finalistTrials) {
      expect(t.state).toBe('complete');
      expect(t.lineage.kind).toBe('finalist');
      const info = runs.get(t.id)!;
      expect(t.lineage.parentNumber).toBe(info.parentNumber);
      expect(trials.find((s) => s.number === info.parentNumber)!.params).toEqual(t.params);
      // The trial saw the seed the stage gave it, knew it was a finalist, and seeds are shared across finalists.
      expect(t.metrics.seed_seen).toBe(finalistSeed(5, info.seedIndex));
      expect(t.metrics.finalist).toBe(1);
    }
    const parents = new Set([...runs.values()].map((r) => r.parentNumber));
    expect([...parents].map((n) => trials[n]!.params.config).sort()).toEqual(['good', 'lucky', 'mid']);

    const show = studyShowJson(store, store.getStudy('noisy')!);
    const f = show.finalists!;
    expect(show.best_validated).toBe(true);
    expect(show.best.map((t) => t.params.config)).toEqual(['good']);
    expect(f.winner).toBe(byConfig.get('good')!.number);
    expect(f.search_winner).toBe(byConfig.get('lucky')!.number);
    expect(f.winner_kept).toBe(false);
    expect(f.finalists.map((r) => trials[r.trial]!.params.config)).toEqual(['good', 'mid', 'lucky']);
    expect(show.counts.complete).toBe(4);
    expect(show.finalist_counts!.complete).toBe(9);

    // Recompute each finalist's mean and 95% t-interval from the raw reports (last acc of each run).
    for (const row of f.finalists) {
      const accs = finalistTrials
        .filter((t) => runs.get(t.id)!.parentNumber === row.trial)
        .map((t) => store.reports(t.id).filter((r) => r.metrics.acc !== undefined).at(-1)!.metrics.acc!);
      expect(accs).toHaveLength(3);
      const mean = accs.reduce((a, b) => a + b, 0) / 3;
      const sd = Math.sqrt(accs.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
      const v = row.validated.acc!;
      expect(v.mean).toBeCloseTo(mean, 12);
      expect(v.low).toBeCloseTo(mean - (T975_DF2 * sd) / Math.sqrt(3), 12);
      expect(v.high).toBeCloseTo(mean + (T975_DF2 * sd) / Math.sqrt(3), 12);
      expect(row.optimism.acc).toBeCloseTo(trials[row.trial]!.values.acc! - mean, 12);
    }
    const lucky = f.finalists.find((r) => r.trial === byConfig.get('lucky')!.number)!;
    expect(lucky.optimism.acc).toBeGreaterThan(0.1);
    expect(f.beats.find((b) => b.a === f.winner && b.b === lucky.trial)!.p).toBeGreaterThan(0.99);

    // Running again plans the same runs and queues none: nothing lost, nothing repeated.
    const again = Campaign.open({ store, spec: loadStudyFile(path.join(dir, 'noisy.yaml'), STRATEGIES), artifacts: dir });
    await again.run({ finalistsOnly: true });
    expect(store.finalistRuns(campaign.study.id).size).toBe(9);
    expect(store.trials(campaign.study.id)).toHaveLength(13);
    store.close();
  }, 60_000);
});

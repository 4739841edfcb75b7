// Stop-based ASHA through the real engine: real trial processes, a real SQLite file. Each configuration
// runs in one process towards the full budget; those that do not pass a rung are stopped there.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { epochsStudyYaml, runStudyYaml } from '../../helpers/campaign.js';
import { tempDir } from '../../helpers/cli.js';
import { verdictsFromDb } from './rung-verdicts.js';

describe('a stop-based ASHA campaign', () => {
  it('starts one process per configuration and stops each at the first rung where it is not in the top third', async () => {
    const dir = tempDir();
    const { db, store, result, trials } = await runStudyYaml(
      dir,
      epochsStudyYaml({ name: 'stop', sampler: '{type: random}', scheduler: '{type: asha, mode: stop}', trials: 12, seed: 5, epochMs: 100 }),
    );
    expect(result.state).toBe('finished');
    store.close();

    expect(trials).toHaveLength(12);
    // No promotions: every trial is a fresh configuration started at the full budget.
    expect(trials.every((t) => t.lineage.kind === 'sampler' && t.lineage.detail === 'random' && t.budget === 9)).toBe(true);
    expect(new Set(trials.map((t) => t.params.x)).size).toBe(12);

    const verdicts = verdictsFromDb(db, 'score', [1, 3], 3);
    const conn = new Database(db, { readonly: true });
    const lastStep = (id: number): number => (conn.prepare('SELECT max(step) AS s FROM reports WHERE trial_id = ?').get(id) as { s: number }).s;
    let pruned = 0;
    for (const t of trials) {
      const v = verdicts.get(t.params.x as number)!;
      const stoppedAt = [1, 3].find((r) => v.get(r) === 'stop');
      if (stoppedAt === undefined) {
        expect(t.state, `trial ${t.number}`).toBe('complete');
        expect(lastStep(t.id)).toBe(9);
      } else {
        pruned++;
        expect(t.state, `trial ${t.number}`).toBe('pruned');
        expect(t.reason).toMatch(new RegExp(`^asha stopped at rung ${stoppedAt} \\(step ${stoppedAt}\\)`));
        // Stopped there, not trained to the end (it may print an epoch or two before SIGTERM lands).
        expect(lastStep(t.id)).toBeLessThan(9);
      }
      // Its fixed cost, launch to first report, is recorded as a measured metric.
      expect(t.metrics.startup_s).toBeGreaterThan(0);
      expect(t.metrics.startup_s).toBeLessThanOrEqual(t.metrics.duration_s!);
    }
    conn.close();
    expect(pruned).toBeGreaterThan(3);
  }, 120_000);
});

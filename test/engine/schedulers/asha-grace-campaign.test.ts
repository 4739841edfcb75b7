// `grace: auto` through the real engine: trial processes whose start-up costs many epochs are, once the
// study's first trials have measured it, no longer judged at rungs whose training costs less than a start.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventSink } from '../../../src/main/engine/campaign/events.js';
import { TrialViews, viewMetricsFor } from '../../../src/main/engine/campaign/views.js';
import { startUpCost } from '../../../src/main/engine/schedulers/grace.js';
import { runStudyYaml } from '../../helpers/campaign.js';
import { tempDir } from '../../helpers/cli.js';
import { epochsStudyYaml } from '../../helpers/epochs-study.js';

const study = (dir: string, grace: string): string =>
  epochsStudyYaml({ name: 'grace', scheduler: `{type: asha, mode: stop${grace}}`, budget: 10, seed: 3, epochMs: 20, startupMs: 700, pidLog: path.join(dir, 'pids.txt'), parallel: 1 });

describe('stop-based ASHA with grace: auto', () => {
  it('measures the start-up on the first trials, then lets every later configuration train to the end', async () => {
    const dir = tempDir();
    const logs: string[] = [];
    const emit: EventSink = (e) => void (e.type === 'log' && logs.push(e.message));
    const { db, store, result, campaign, trials } = await runStudyYaml(dir, study(dir, ', grace: auto'), { emit });
    expect(result.state).toBe('finished');
    // The user is told once what was measured, and that nothing below the top rung is judged now.
    expect(logs.filter((m) => m.startsWith('asha grace: auto:'))).toEqual([expect.stringMatching(/start-up costs \d+\.\d\d s .*none is stopped before the last rung$/)]);
    // The estimate the engine read, from the views it keeps (the same function, the same trials).
    const views = TrialViews.load(store, campaign.study.id, campaign.study.objectives, viewMetricsFor({ grace: 'auto' }));
    const cost = startUpCost(views.all())!;
    store.close();
    expect(cost).not.toBeNull();
    // A start (~700 ms) costs far more than the 9 epochs (~20 ms each): no rung below the top is judged.
    expect(cost.fixedS / cost.stepS).toBeGreaterThan(9);
    const measuredUpTo = Math.max(...cost.from);
    const conn = new Database(db, { readonly: true });
    const lastStep = (id: number): number => (conn.prepare('SELECT max(step) AS s FROM reports WHERE trial_id = ?').get(id) as { s: number }).s;
    const later = trials.filter((t) => t.number > measuredUpTo);
    expect(later.length).toBeGreaterThan(3);
    for (const t of later) {
      expect(t.state, `trial ${t.number}: ${t.reason}`).toBe('complete');
      expect(lastStep(t.id)).toBe(9);
    }
    conn.close();
  }, 120_000);

  it('without grace the same study stops configurations at rung 1', async () => {
    const dir = tempDir();
    const { store, result, trials } = await runStudyYaml(dir, study(dir, ''));
    store.close();
    expect(result.state).toBe('finished');
    expect(trials.filter((t) => t.state === 'pruned' && /rung 1/.test(t.reason ?? '')).length).toBeGreaterThan(2);
  }, 120_000);
});

// A warm start's replayed configurations are trained to the end: the earlier study already trained them
// that far and ranked them among its best, so a low rung's verdict on a slow starter is not asked for
// (warm_start.early_stop: true asks it again). Real trial processes, a real SQLite file.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../../../src/main/engine/storage/types.js';
import { runStudyYaml } from '../../helpers/campaign.js';
import { tempDir } from '../../helpers/cli.js';

// x > 0.5 starts slowly and ends best (0.55 at epoch 1, 0.95 at 9); x <= 0.5 starts fast and ends lower (0.81, 0.89).
const TRAINER = `
const x = JSON.parse(process.env.NIGHTSHIFT_PARAMS).x;
const budget = Number(process.env.NIGHTSHIFT_BUDGET);
for (let epoch = 1; epoch <= budget; epoch++) {
  await new Promise((r) => setTimeout(r, 60));
  const acc = x > 0.5 ? 0.5 + 0.05 * epoch : 0.8 + 0.01 * epoch;
  console.log('@nightshift ' + JSON.stringify({ step: epoch, acc }));
}
`;

function yaml(name: string, extra: string, scheduler: string): string {
  return `name: ${name}
trainer:
  command: [node, trainer.mjs]
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: acc, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
scheduler: ${scheduler}
resources: {parallel: 1}
seed: 1
${extra}
`;
}

/** The source study: the slow starter trained to the end, then a second study that replays it after a fast-starting baseline. */
async function replayAfterFastBaseline(scheduler: string, warmExtra: string): Promise<{ replay: TrialRecord; baseline: TrialRecord; lastStep: number }> {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'trainer.mjs'), TRAINER);
  const src = await runStudyYaml(dir, yaml('source', 'baseline: {x: 0.9}\nbudget: {trials: 1}', '{type: none}'), { file: 'source.yaml' });
  expect(src.trials.map((t) => [t.state, t.values.acc])).toEqual([['complete', expect.closeTo(0.95, 6)]]);
  src.store.close();
  const warm = await runStudyYaml(dir, yaml('warm', `baseline: {x: 0.1}\nwarm_start: {study: source${warmExtra}}\nbudget: {trials: 2}`, scheduler), { file: 'warm.yaml' });
  warm.store.close();
  const [baseline, replay] = warm.trials;
  expect(baseline!.lineage.kind).toBe('baseline');
  expect(replay!.lineage).toMatchObject({ kind: 'warm-start', detail: 'source' });
  const conn = new Database(warm.db, { readonly: true });
  const lastStep = (conn.prepare('SELECT max(step) AS s FROM reports WHERE trial_id = ?').get(replay!.id) as { s: number }).s;
  conn.close();
  return { replay: replay!, baseline: baseline!, lastStep };
}

describe('warm start replays', () => {
  it.each(['stop', 'pause'])('are not stopped (mode %s) at a rung where a fast starter beat them, and reach the value the earlier study found', async (mode) => {
    const { replay, lastStep } = await replayAfterFastBaseline(`{type: asha, mode: ${mode}}`, '');
    expect(replay.state).toBe('complete');
    expect(replay.budget).toBe(9);
    expect(lastStep).toBe(9);
    expect(replay.values.acc).toBeCloseTo(0.95, 6);
  }, 60_000);

  it('with early_stop: true are judged like new configurations, and the slow starter is stopped at the first rung', async () => {
    const { replay, lastStep } = await replayAfterFastBaseline('{type: asha, mode: stop}', ', early_stop: true');
    expect(replay.state).toBe('pruned');
    expect(replay.reason).toMatch(/^asha stopped at rung 1 \(step 1\)/);
    expect(lastStep).toBeLessThan(9);
  }, 60_000);

  it('start at the full budget under a promoting scheduler instead of waiting at its lowest rung', async () => {
    const judged = await replayAfterFastBaseline('{type: asha, mode: promote}', ', early_stop: true');
    expect([judged.baseline.budget, judged.replay.budget]).toEqual([1, 1]);
    const { replay, baseline } = await replayAfterFastBaseline('{type: asha, mode: promote}', '');
    expect(baseline.budget).toBe(1);
    expect(replay.budget).toBe(9);
    expect(replay.state).toBe('complete');
    expect(replay.values.acc).toBeCloseTo(0.95, 6);
  }, 60_000);
});

// A warm start's replayed configurations are trained to the end: the earlier study already trained them
// that far and ranked them among its best, so a low rung's verdict on a slow starter is not asked for
// (warm_start.early_stop: true asks it again). Real trial processes, a real SQLite file.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../../../src/main/engine/storage/types.js';
import { runStudyYaml } from '../../helpers/campaign.js';
import { cliEnv, runCli, runKilledAfter, tempDir } from '../../helpers/cli.js';

// x > 0.5 starts slowly and ends best (0.55 at epoch 1, 0.95 at 9); x <= 0.5 starts fast and ends lower (0.81, 0.89).
// With MARK set, the slow starter creates that file once it has reported epoch 3 (the crash test kills the engine then).
const TRAINER = `
import { existsSync, writeFileSync } from 'node:fs';
const x = JSON.parse(process.env.NIGHTSHIFT_PARAMS).x;
const budget = Number(process.env.NIGHTSHIFT_BUDGET);
for (let epoch = 1; epoch <= budget; epoch++) {
  await new Promise((r) => setTimeout(r, Number(process.env.EPOCH_MS ?? 60)));
  const acc = x > 0.5 ? 0.5 + 0.05 * epoch : 0.8 + 0.01 * epoch;
  console.log('@nightshift ' + JSON.stringify({ step: epoch, acc }));
  if (process.env.MARK && x > 0.5 && epoch === 3 && !existsSync(process.env.MARK)) writeFileSync(process.env.MARK, '');
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

  it('keep their standing through an engine crash: the retry of an interrupted replay is trained to the end too', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'trainer.mjs'), TRAINER);
    const src = await runStudyYaml(dir, yaml('source', 'baseline: {x: 0.9}\nbudget: {trials: 1}', '{type: none}'), { file: 'source.yaml' });
    src.store.close();
    const mark = path.join(dir, 'replay-past-rung-1');
    const file = path.join(dir, 'warm.yaml');
    // The retry starts again from epoch 1 (this trainer keeps no checkpoint), where the baseline's 0.81 beats its 0.55.
    writeFileSync(file, yaml('warm', 'baseline: {x: 0.1}\nwarm_start: {study: source}\nbudget: {trials: 2}\nretries: 1', '{type: asha, mode: stop}').replace(
      'command: [node, trainer.mjs]',
      `command: [node, trainer.mjs]\n  env: {MARK: ${JSON.stringify(mark)}, EPOCH_MS: "150"}`,
    ));
    const env = cliEnv(dir);
    const args = ['run', file, '--db', path.join(dir, 'study.db'), '--json'];
    const [killed] = await runKilledAfter(args, { env, cwd: dir, armed: () => existsSync(mark) }, [0]);
    expect(killed!.signal, killed!.stderr).toBe('SIGKILL');
    const rest = await runCli(args, { env, cwd: dir });
    expect(rest.code, rest.stderr).toBe(0);

    const conn = new Database(path.join(dir, 'study.db'), { readonly: true });
    const trials = conn
      .prepare(
        `SELECT t.id, t.number, t.state, t.budget, t.lineage_kind AS kind, p.value_num AS x FROM trials t
         JOIN studies s ON s.id = t.study_id AND s.name = 'warm'
         JOIN trial_params p ON p.trial_id = t.id AND p.name = 'x' ORDER BY t.number`,
      )
      .all() as { id: number; number: number; state: string; budget: number; kind: string; x: number }[];
    const replays = trials.filter((t) => t.x > 0.5);
    expect(replays.map((t) => [t.kind, t.state]), JSON.stringify(trials)).toEqual([['warm-start', 'stopped'], ['retry', 'complete']]);
    const retry = replays[1]!;
    expect(retry.budget).toBe(9);
    const reports = conn.prepare('SELECT step, value FROM reports WHERE trial_id = ? AND metric = ? ORDER BY step').all(retry.id, 'acc') as { step: number; value: number }[];
    conn.close();
    expect(reports[0]).toMatchObject({ step: 1, value: expect.closeTo(0.55, 6) });
    expect(reports.at(-1)).toMatchObject({ step: 9, value: expect.closeTo(0.95, 6) });
  }, 60_000);
});

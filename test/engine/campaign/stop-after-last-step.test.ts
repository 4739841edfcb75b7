// A trial the engine stops after it reported its whole budget (a campaign stopped, a wall-time budget run
// out, while the trainer writes its last checkpoint) was evaluated: it ends complete with its values, and
// is not re-queued to train its whole budget again. One stopped mid-way is interrupted and re-queued, as
// before. Real trial processes, a real SQLite file.
import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Campaign } from '../../../src/main/engine/campaign/campaign.js';
import type { EngineEvent } from '../../../src/main/engine/campaign/events.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { cliEnv, runCli, runKilledAfter, tempDir } from '../../helpers/cli.js';

// Reports acc = 0.6 + 0.1 × epoch for each of its epochs, then takes 30 s more before it exits ("saving").
const TRAINER = `
const budget = Number(process.env.NIGHTSHIFT_BUDGET);
for (let epoch = 1; epoch <= budget; epoch++) {
  await new Promise((r) => setTimeout(r, 50));
  console.log('@nightshift ' + JSON.stringify({ step: epoch, acc: 0.6 + 0.1 * epoch }));
}
await new Promise((r) => setTimeout(r, 30000));
`;

function writeStudy(dir: string, budget: string): string {
  writeFileSync(path.join(dir, 'trainer.mjs'), TRAINER);
  const file = path.join(dir, 'study.yaml');
  writeFileSync(
    file,
    `name: linger
trainer:
  command: [node, trainer.mjs]
  kill_grace: 200ms
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: acc, direction: maximize}
fidelity: {param: epochs, min: 1, max: 3, eta: 3}
scheduler: {type: none}
budget: ${budget}
resources: {parallel: 1}
seed: 3
`,
  );
  return file;
}

async function run(budget: string, stopAtStep: number | null) {
  const dir = tempDir();
  const file = writeStudy(dir, budget);
  const store = openStore(path.join(dir, 'study.db'));
  let campaign: Campaign | null = null;
  const emit = (e: EngineEvent): void => {
    if (e.type === 'report' && e.step === stopAtStep) void campaign?.stop('stopped by the test');
  };
  campaign = Campaign.open({ store, spec: loadStudyFile(file, STRATEGIES), artifacts: dir, emit });
  await campaign.run();
  const trials = store.trials(campaign.study.id);
  store.close();
  return trials;
}

describe('a trial stopped by the engine', () => {
  it('after reporting its whole budget ends complete with its last values, and is not re-queued', async () => {
    const trials = await run('{trials: 3}', 3);
    expect(trials.map((t) => [t.number, t.state, t.lineage.kind])).toEqual([[0, 'complete', 'sampler']]);
    expect(trials[0]!.values.acc).toBeCloseTo(0.9, 9);
    expect(trials[0]!.reason).toBe('stopped after reporting its whole budget (step 3): interrupted: stopped by the test');
  }, 60_000);

  it('before its last step is interrupted and re-queued to run again', async () => {
    const trials = await run('{trials: 3}', 2);
    expect(trials.map((t) => [t.number, t.state, t.lineage.kind])).toEqual([
      [0, 'stopped', 'sampler'],
      [1, 'queued', 'retry'],
    ]);
    expect(trials[0]!.reason).toBe('interrupted: stopped by the test');
  }, 60_000);

  it('when the wall-time budget runs out while it writes its last checkpoint ends complete', async () => {
    const trials = await run('{wall_time: 3s}', null);
    expect(trials.map((t) => [t.number, t.state])).toEqual([[0, 'complete']]);
    expect(trials[0]!.values.acc).toBeCloseTo(0.9, 9);
    expect(trials[0]!.reason).toMatch(/^stopped after reporting its whole budget \(step 3\): interrupted: /);
  }, 60_000);

  it('when the engine dies after the last report, the next run records it complete instead of training it again', async () => {
    const dir = tempDir();
    const file = writeStudy(dir, '{trials: 1}');
    const db = path.join(dir, 'study.db');
    const env = cliEnv(dir);
    const lastStepStored = () => {
      if (!existsSync(db)) return false;
      const conn = new Database(db, { readonly: true });
      try {
        return (conn.prepare('SELECT max(step) AS s FROM reports').get() as { s: number | null }).s === 3;
      } catch {
        return false; // Tables not created yet.
      } finally {
        conn.close();
      }
    };
    const [killed] = await runKilledAfter(['run', file, '--db', db], { env, cwd: dir, armed: lastStepStored }, [0]);
    expect(killed!.signal, killed!.stderr).toBe('SIGKILL');
    const rest = await runCli(['run', file, '--db', db, '--json'], { env, cwd: dir });
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stderr).toContain('trial 0 was left running by an engine that died; it had reported its whole budget (step 3): recorded complete');
    const store = openStore(db);
    const trials = store.trials(store.getStudy('linger')!.id);
    store.close();
    expect(trials.map((t) => [t.number, t.state, t.lineage.kind])).toEqual([[0, 'complete', 'sampler']]);
    expect(trials[0]!.values.acc).toBeCloseTo(0.9, 9);
    expect(trials[0]!.reason).toBe('stopped after reporting its whole budget (step 3): interrupted: the engine running it stopped unexpectedly');
  }, 90_000);
});

// ASHA through the real engine: a campaign with a resumable trial script and a real SQLite file.
// Promoted trials are new records (origin promote:<parent>) that continue from the configuration's
// checkpoint directory instead of training again from the first epoch.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trialDir } from '../../../src/main/engine/paths.js';
import { runStudyYaml } from '../../helpers/campaign.js';
import { tempDir } from '../../helpers/cli.js';

// Trains "epochs" from the last one saved in the checkpoint directory up to NIGHTSHIFT_BUDGET, reporting
// only the new ones; the score rises with epochs and peaks at x = 0.3.
const TRIAL = `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const file = path.join(process.env.NIGHTSHIFT_CHECKPOINT_DIR, 'last_epoch');
const budget = Number(process.env.NIGHTSHIFT_BUDGET);
const x = JSON.parse(process.env.NIGHTSHIFT_PARAMS).x;
const start = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
for (let epoch = start + 1; epoch <= budget; epoch++) {
  console.log('@nightshift ' + JSON.stringify({ step: epoch, score: 1 - (x - 0.3) ** 2 - 1 / (epoch + 1) }));
  writeFileSync(file, String(epoch));
}
`;

describe('an ASHA campaign', () => {
  it('promotes the best trials of each rung to larger budgets, and they resume from their checkpoints', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'trial.mjs'), TRIAL);
    const { store, result, trials } = await runStudyYaml(
      dir,
      `name: asha
trainer:
  command: [node, trial.mjs]
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: {type: sobol}
scheduler: {type: asha, mode: promote}
budget: {trials: 14}
seed: 3
`,
    );
    expect(result.state).toBe('finished');

    expect(trials).toHaveLength(14);
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    const byNumber = new Map(trials.map((t) => [t.number, t]));
    const promoted = trials.filter((t) => t.lineage.kind === 'promote');
    // 9 configurations at 1 epoch give at least 3 promotions to 3 epochs (more when a newcomer enters the top
    // third after an earlier promotion, as asynchronous promotion allows), whose 3 results give one to 9.
    expect(promoted.filter((t) => t.budget === 3).length).toBeGreaterThanOrEqual(3);
    expect(promoted.filter((t) => t.budget === 9)).toHaveLength(1);
    expect(trials.filter((t) => t.lineage.kind === 'sampler' && t.lineage.detail === 'sobol').every((t) => t.budget === 1)).toBe(true);

    for (const t of promoted) {
      const parent = byNumber.get(t.lineage.parentNumber!)!;
      expect(t.lineage.parentId).toBe(parent.id);
      expect(t.params).toEqual(parent.params);
      expect(t.budget!).toBeGreaterThan(parent.budget!);
      // It resumed: its first report is the epoch after its parent's last, not epoch 1.
      const steps = store.reports(t.id).map((r) => r.step);
      expect(steps[0]).toBe(parent.budget! + 1);
      expect(steps.at(-1)).toBe(t.budget);
    }

    // The promoted ones were the best of their rung: the 3 best of the 9 at 1 epoch went on.
    const rung0 = trials.filter((t) => t.budget === 1).sort((a, b) => b.values.score! - a.values.score!);
    const wentOn = new Set(promoted.filter((t) => t.budget === 3).map((t) => JSON.stringify(t.params)));
    expect(rung0.slice(0, 3).every((t) => wentOn.has(JSON.stringify(t.params)))).toBe(true);

    // The configuration trained to 9 epochs kept one checkpoint directory, owned by its first trial.
    const top = promoted.find((t) => t.budget === 9)!;
    const root = trials.find((t) => t.lineage.kind === 'sampler' && JSON.stringify(t.params) === JSON.stringify(top.params))!;
    expect(readFileSync(path.join(trialDir(dir, 'asha', root.number), 'checkpoint', 'last_epoch'), 'utf8')).toBe('9');
    store.close();
  });

  it('keeps promoting after a small search space is used up, and starts the baseline at the lowest rung', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'trial.mjs'), TRIAL);
    const { store, result, trials } = await runStudyYaml(
      dir,
      `name: small
trainer:
  command: [node, trial.mjs]
search_space:
  x: {type: categorical, choices: [0.1, 0.3, 0.5, 0.9]}
objectives:
  - {metric: score, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: {type: grid}
scheduler: {type: asha, mode: promote}
baseline: {x: 0.5}
budget: {trials: 50}
`,
    );
    expect(result.reason).toMatch(/exhausted/);
    expect(trials[0]).toMatchObject({ lineage: { kind: 'baseline' }, budget: 1 });
    // 4 configurations at 1 epoch: the best one (x = 0.3) goes on to 3 epochs, after the grid ran out.
    expect(trials.filter((t) => t.budget === 1)).toHaveLength(4);
    const promoted = trials.filter((t) => t.lineage.kind === 'promote');
    expect(promoted.map((t) => t.params.x)).toContain(0.3);
    expect(promoted.every((t) => t.state === 'complete')).toBe(true);
    store.close();
  });
});

// Every study that validates also starts. Each example in resources/examples, and each sampler/scheduler
// case the validator accepts, is run by the real CLI with a tiny budget: exit 0 and its trials complete.
// The cases it refuses are in test/fixtures/bad-studies (cases.json: exit 2 and one line, at validation).
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { StudyShowJson } from '../../src/shared/types.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { cliEnv, ROOT, runCli, tempDir } from '../helpers/cli.js';

const home = tempDir();
const env = cliEnv(home);

async function runStudy(file: string): Promise<StudyShowJson> {
  const r = await runCli(['run', file, '--db', path.join(path.dirname(file), `${path.basename(file)}.db`), '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StudyShowJson;
}

describe('every example validates and starts', () => {
  const dir = tempDir();
  cpSync(path.join(ROOT, 'resources/examples'), dir, { recursive: true });
  const examples = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

  it('has the examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['demo-mnist.yaml', 'python-logistic.yaml', 'quickstart.yaml']));
  });

  // One trial each (the example's own budget is minutes of training): the study is created, its sampler and
  // scheduler built, and its first trial (the baseline where there is one) runs to completion.
  it.concurrent.each(examples)('%s', { timeout: 120_000 }, async (name) => {
    const file = path.join(dir, name);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    doc.set('budget', { trials: 1 });
    // Starting is what this checks: the finalists stage has a test of its own (torch-example.test.ts).
    doc.delete('finalists');
    // Debian's python3 (with torch and scikit-learn, as .ci/run installs), not whichever python3 is first on PATH.
    const argv = doc.getIn(['trainer', 'command']) as { items: { value: unknown }[] } | undefined;
    if (argv?.items[0]?.value === 'python3' && existsSync('/usr/bin/python3')) doc.setIn(['trainer', 'command', 0], '/usr/bin/python3');
    writeFileSync(file, doc.toString());
    const show = await runStudy(file);
    expect(show.counts.complete).toBe(1);
  });
});

// Reports a loss and an accuracy that depend on the trial number, for any search space.
const TRAINER = `
const n = Number(process.env.NIGHTSHIFT_TRIAL_ID);
for (let step = 1; step <= 2; step++) console.log('@nightshift ' + JSON.stringify({ step, loss: ((n * 37) % 11) / 11 + 1 / step, acc: ((n * 53) % 13) / 13 }));
`;

function study(name: string, lines: string): string {
  return `name: ${name}
trainer:
  command: [node, trainer.mjs]
  timeout: 1m
${lines}`;
}

const oneObjective = 'objectives:\n  - {metric: loss, direction: minimize}\n';
const twoObjectives = 'objectives:\n  - {metric: loss, direction: minimize}\n  - {metric: acc, direction: maximize}\n';
const xy = 'search_space:\n  x: {type: float, low: 0, high: 1}\n  y: {type: int, low: 1, high: 8}\n';

const CASES: Record<string, string> = {
  'grid-levels': `${xy}${oneObjective}sampler: {type: grid, levels: 3}\nbudget: {trials: 3}\n`,
  'gp-two-objectives': `${xy}${twoObjectives}sampler: {type: gp, n_startup: 2}\nbudget: {trials: 4}\n`,
  'gp-cost-aware-one-objective': `${xy}${oneObjective}sampler: {type: gp, cost_aware: true, n_startup: 2}\nbudget: {trials: 4}\n`,
  'gp-70-parameters': `search_space:\n${Array.from({ length: 70 }, (_, i) => `  p${i}: {type: float, low: 0, high: 1}\n`).join('')}${oneObjective}sampler: {type: gp, n_startup: 2}\nbudget: {trials: 4}\n`,
  'asha-with-fidelity': `${xy}${oneObjective}fidelity: {param: epochs, min: 1, max: 9}\nsampler: gp\nscheduler: {type: asha, eta: 3}\nbudget: {trials: 4}\n`,
  'asha-promote': `${xy}${oneObjective}fidelity: {param: epochs, min: 1, max: 9}\nsampler: gp\nscheduler: {type: asha, mode: promote}\nbudget: {trials: 4}\n`,
  'hyperband-stop': `${xy}${oneObjective}fidelity: {param: epochs, min: 1, max: 9}\nscheduler: {type: hyperband, mode: stop}\nbudget: {trials: 4}\n`,
  'float-range-1e308': `search_space:\n  x: {type: float, low: -1.0e+308, high: 1.0e+308}\n${oneObjective}budget: {trials: 6}\nseed: 5\n`,
  '300k-choices': `search_space:\n  c: {type: categorical, choices: [${Array.from({ length: 300_000 }, (_, i) => `c${i}`).join(', ')}]}\n${oneObjective}budget: {trials: 2}\n`,
};

describe('the sampler and scheduler cases the validator accepts also start', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'trainer.mjs'), TRAINER);

  it.concurrent.each(Object.entries(CASES))('%s', { timeout: 120_000 }, async (name, body) => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, study(name, body));
    const show = await runStudy(file);
    const budget = Number(/trials: (\d+)/.exec(body)![1]);
    // Stop-based ASHA and Hyperband (their default mode) end a trial that does not pass a rung as pruned.
    expect(show.counts.complete + show.counts.pruned, JSON.stringify(show)).toBe(budget);
    expect(show.counts.failed + show.counts.stopped, JSON.stringify(show)).toBe(0);
    if (!/scheduler: \{type: (asha|hyperband)/.test(body)) expect(show.counts.pruned, JSON.stringify(show)).toBe(0);
    expect(show.stop_reason).toMatch(/budget/);
  });

  it('samples the whole of a ±1e308 float range, not only its upper bound', () => {
    const store = openStore(path.join(dir, 'float-range-1e308.yaml.db'));
    try {
      const xs = store.trials(store.getStudy('float-range-1e308')!.id).map((t) => t.params.x as number);
      expect(xs).toHaveLength(6);
      for (const x of xs) expect(Number.isFinite(x)).toBe(true);
      expect(new Set(xs).size).toBe(6);
      expect(Math.max(...xs.map(Math.abs))).toBeLessThan(1e308);
    } finally {
      store.close();
    }
  });
});

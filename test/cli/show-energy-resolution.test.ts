// `nightshift show` of trials too short for the meter's sampling, after a real campaign on a machine whose
// GPUs a fake nvidia-smi simulates (200 W and 100 W): each trial ends well within a second, so the meter
// flags its window short_window and its energy is a rough figure (tens of joules from one or two samples).
// The text says "below resolution" where it printed that figure; --json keeps the number and the flag.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StudyShowJson } from '../../src/shared/types.js';
import { loadScenario, makeFakeGpu } from '../fixtures/fake-gpu/fake-gpu.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

const fake = makeFakeGpu(loadScenario('const-2gpu'));
afterAll(() => fake.cleanup());

describe('nightshift show: energy below the meter\'s resolution', () => {
  const dir = tempDir();
  const env = cliEnv(dir, { PATH: `${fake.dir}:${process.env.PATH}` });
  const db = path.join(dir, 'quick.db');

  it('writes a short_window trial\'s energy as below resolution in text, and keeps the number and the flag in --json', async () => {
    writeFileSync(path.join(dir, 'quick.mjs'), "console.log('@nightshift ' + JSON.stringify({ step: 1, score: Number(process.argv[2]) }));\n");
    const file = path.join(dir, 'quick.yaml');
    writeFileSync(
      file,
      `name: quick
trainer: {command: [node, quick.mjs, "{x}"]}
search_space:
  x: {type: float, low: 0, high: 1}
objectives: [{metric: score, direction: maximize}, {metric: energy_j, direction: minimize}]
budget: {trials: 4}
resources: {gpus: all, trials_per_gpu: 1}
seed: 5
`,
    );
    const run = await runCli(['run', file, '--db', db], { env });
    expect(run.code, run.stderr).toBe(0);

    const json = await runCli(['show', 'quick', '--db', db, '--json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const show = JSON.parse(json.stdout) as StudyShowJson;
    const short = show.best.filter((t) => t.provenance?.flags.includes('short_window'));
    // The JSON carries the flag with each trial (its provenance) and keeps the meter's rough figure.
    expect(short.length, 'a trial of the Pareto set flagged short_window').toBeGreaterThan(0);
    for (const t of short) expect(t.values.energy_j).toBeGreaterThan(0);

    const text = await runCli(['show', 'quick', '--db', db], { env });
    expect(text.code, text.stderr).toBe(0);
    for (const t of show.best) {
      const line = text.stdout.split('\n').find((l) => l.trim().startsWith(`#${t.number} `));
      expect(line, `trial ${t.number} in:\n${text.stdout}`).toBeDefined();
      if (t.provenance?.flags.includes('short_window')) {
        expect(line).toContain('energy_j=below resolution (short_window)');
        expect(line).not.toMatch(/energy_j=\d/);
      } else {
        expect(line).toMatch(/energy_j=\d/);
      }
      // The other objective is its figure either way.
      expect(line).toMatch(/score=\d/);
    }
  });
});

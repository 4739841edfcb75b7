// The LCBench transfer bench's summary, read again from a run's saved runs (`--runs`, nothing trained):
// epochs to the cold run's final best and their ratio, and how many parameters of each run's final best sit
// at a bound of the space (the surrogate's corners). And the bench launcher refuses a flag the chosen
// suites do not take, instead of dropping it and running the whole suite. Real child processes, real files.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

const middle = { batch_size: 90, learning_rate: 0.003, momentum: 0.5, weight_decay: 0.05, num_layers: 3, max_units: 256, max_dropout: 0.5 };
// Three at a bound: batch_size low, learning_rate high, max_units high.
const corner = { ...middle, batch_size: 16, learning_rate: 0.1, max_units: 1024 };
const run = (task: string, variant: string, sourceTask: string | null, trajectory: [number, number][], params: Record<string, number>) => ({
  task, epochs: 6544, seed: 0, variant, sourceTask, trajectory, trials: 10, configs: 10, decideSeconds: 1, best: { params, epoch: 52 }, wallSeconds: 2,
});

function bench(args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bench.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

describe('bench transfer --runs', () => {
  it('summarises the saved runs: epochs to the cold final best, their ratio, and the bests at a bound', () => {
    const dir = tempDir();
    const file = path.join(dir, 'transfer-2026-01-01-00-00-runs.json');
    writeFileSync(
      file,
      JSON.stringify([
        run('189906', 'cold', null, [[100, 90], [2000, 94.5], [6544, 94.5]], corner),
        run('189873', 'cold', null, [[100, 97], [6544, 99]], middle),
        // Reaches the cold final (94.5) after 50 epochs: 2.5% of the cold run's 2000.
        run('189906', 'prior', '189873', [[50, 94.6], [6544, 94.7]], middle),
      ]),
    );
    const r = bench(['--only', 'transfer', '--runs', file]);
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(path.join(dir, 'transfer-2026-01-01-00-00.md'), 'utf8');
    expect(md).toContain('| 189873 -> 189906 | prior | 94.50 | 94.70 | 2000 | 50 | 1/1 | 3% (3%) | 3.0 / 0.0 |');
    expect(md).toContain('unknown (no summary beside the runs)');
  }, 150_000);

  it('refuses a file that is not a run\'s saved runs, and a flag the suite does not take', () => {
    const notRuns = bench(['--only', 'transfer', '--runs', path.join(tempDir(), 'transfer.json')]);
    expect(notRuns.status).not.toBe(0);
    expect(notRuns.stderr).toContain("give a transfer run's saved runs");
    const bogus = bench(['--only', 'transfer', '--files', 'a.json']);
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toContain('bench: --files is not an option of transfer');
  }, 150_000);
});

// A built-in-trainer study run by the CLI: the first trial decodes the dataset into the study's cache, the
// later ones read it (the marker each trial writes to its stderr log).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSynthetic } from '../engine/trainers/synthetic.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

describe('nightshift run with the built-in trainer: data cache', () => {
  it('decodes the dataset in the first trial only', async () => {
    const home = tempDir();
    writeSynthetic(path.join(home, 'data.csv'), 300, 2);
    const study = path.join(home, 'study.yaml');
    writeFileSync(
      study,
      [
        'name: cached',
        'trainer: {builtin: {model: mlp, dataset: {csv: data.csv, target: y}, epochs: 1}}',
        'search_space:',
        '  units: {type: int, low: 8, high: 16}',
        'objectives: [{metric: val_accuracy, direction: maximize}]',
        'sampler: {type: random}',
        'budget: {trials: 3}',
        'resources: {parallel: 1}',
        'seed: 1',
      ].join('\n') + '\n',
    );
    const r = await runCli(['run', study, '--db', path.join(home, 'x.db'), '--json'], { env: cliEnv(home) });
    expect(r.code, r.stderr).toBe(0);
    const studyDir = path.join(home, 'studies', 'cached');
    expect(readdirSync(path.join(studyDir, 'data-cache'))).toHaveLength(1);
    const lines = [0, 1, 2].map((n) => {
      const log = path.join(studyDir, 'trials', String(n), 'stderr.log');
      expect(existsSync(log)).toBe(true);
      return readFileSync(log, 'utf8').split('\n').find((l) => l.includes('data cache:'));
    });
    expect(lines[0]).toContain('data cache: miss');
    expect(lines[1]).toContain('data cache: hit');
    expect(lines[2]).toContain('data cache: hit');
  });
});

// The CLI's Slurm surface: the study file's executor section checked at load time (no cluster needed),
// an unknown partition refused before any trial starts, and `nightshift gpus --executor slurm`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/engine/storage/open.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';
import { slurmCluster } from '../helpers/slurm.js';

function study(dir: string, executor: string): string {
  const file = path.join(dir, 'study.yaml');
  writeFileSync(path.join(dir, 't.mjs'), `console.log('@nightshift ' + JSON.stringify({ step: 1, score: 1 }));\n`);
  writeFileSync(
    file,
    `name: exec-check
trainer: {command: [node, t.mjs]}
search_space: {x: {type: float, low: 0, high: 1}}
objectives: [{metric: score, direction: maximize}]
budget: {trials: 1}
executor: ${executor}
`,
  );
  return file;
}

describe('the executor section of a study file', () => {
  it('names the key and the fix for each mistake, with exit code 2', async () => {
    const dir = tempDir();
    const env = cliEnv(dir);
    const cases: [string, RegExp][] = [
      ['{type: slurm, partitoin: gpu}', /executor\.partitoin.*partition/],
      ['{type: slurm, gres: "gpu 1"}', /executor\.gres: must be a GRES request such as gpu:1/],
      ['{type: slurm, time: soon}', /executor\.time: must be a duration such as 2h/],
      ['{type: slurm, max_jobs: 0}', /executor\.max_jobs: must be at least 1/],
      ['{type: slurm, extra_args: ["rm -rf /"]}', /executor\.extra_args\[0\]: each must be an sbatch option/],
      ['{type: slurm, extra_args: ["--wrap=sh -c evil"]}', /executor\.extra_args\[0\]: --wrap is set by Nightshift/],
      ['{type: slurm, node: node}', /executor\.node: must be the absolute path of Node\.js/],
      ['kubernetes', /executor\.type: .*one of local, slurm/],
    ];
    for (const [executor, message] of cases) {
      const r = await runCli(['run', study(dir, executor), '--db', path.join(dir, 'x.db')], { env });
      expect(r.code, executor).toBe(2);
      expect(r.stderr, executor).toMatch(message);
    }
  });
});

const cluster = slurmCluster();

describe.skipIf(cluster.skip !== null)(`the CLI on a Slurm cluster${cluster.skip ? ` (skipped: ${cluster.skip})` : ''}`, () => {
  it('refuses an unknown partition before any trial starts, listing the real ones', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'x.db');
    const r = await runCli(['run', study(dir, '{type: slurm, partition: gpux}'), '--db', db], { env: cliEnv(dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/executor\.partition: no partition "gpux" on this cluster; sinfo lists debug/);
    const store = openStore(db);
    const s = store.getStudy('exec-check');
    expect(s === null || store.trials(s.id).length === 0).toBe(true);
    store.close();
  });

  it('gpus --executor slurm lists partitions and probes a compute node', async () => {
    const dir = tempDir();
    const r = await runCli(['gpus', '--executor', 'slurm', '--probe', '--gres', 'gpu:1', '--json'], { env: cliEnv(dir) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { partitions: { name: string; gres: string }[]; probe: { node: string; inventory: { capabilities: object } } };
    expect(out.partitions).toContainEqual(expect.objectContaining({ name: 'debug', gres: 'gpu:2' }));
    expect(out.probe.node).not.toBe('');
    expect(out.probe.inventory.capabilities).toHaveProperty('cpuEstimate');
  });
});
